# The function URL answers 403 Forbidden: since October 2025 a public URL needs
# lambda:InvokeFunction as well as lambda:InvokeFunctionUrl.
resource "aws_lambda_function" "hello" {
  function_name = "hello"
  role          = aws_iam_role.hello.arn
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "hello.zip"
}

resource "aws_lambda_function_url" "hello" {
  function_name      = aws_lambda_function.hello.function_name
  authorization_type = "NONE"
}

resource "aws_lambda_permission" "url" {
  statement_id           = "FunctionURLAllowPublicAccess"
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = aws_lambda_function.hello.function_name
  principal              = "*"
  function_url_auth_type = "NONE"
}

resource "aws_iam_role" "hello" {
  name = "hello"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}
