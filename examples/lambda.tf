# The functions of the service and who may invoke them.

resource "aws_iam_role" "lambda" {
  name = "${local.service}-lambda"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_lambda_function" "orders" {
  function_name = "${local.service}-api"
  role          = aws_iam_role.lambda.arn
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "build/orders.zip"
}

resource "aws_lambda_function" "admin" {
  function_name = "${local.service}-admin"
  role          = aws_iam_role.lambda.arn
  handler       = "admin.handler"
  runtime       = "nodejs20.x"
  filename      = "build/admin.zip"
}

resource "aws_lambda_function" "report" {
  function_name = "${local.service}-nightly-report"
  role          = aws_iam_role.lambda.arn
  handler       = "report.handler"
  runtime       = "python3.12"
  filename      = "build/report.zip"
}

resource "aws_lambda_function" "webhook" {
  function_name = "${local.service}-webhook"
  role          = aws_iam_role.lambda.arn
  handler       = "webhook.handler"
  runtime       = "nodejs20.x"
  filename      = "build/webhook.zip"
}

# MISTAKE: no source_arn. API Gateway may invoke the function, but so may any API in any AWS
# account that targets it (the confused-deputy problem). The API is known (api.tf): the fix is
# source_arn = "${aws_api_gateway_rest_api.orders.execution_arn}/*/*".
resource "aws_lambda_permission" "api" {
  statement_id  = "AllowAPIGatewayInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.orders.function_name
  principal     = "apigateway.amazonaws.com"
}

# MISTAKE: copied from a blog post "to make it work": every AWS account may call any Lambda API
# operation on this function (lambda:* to "*").
resource "aws_lambda_permission" "partner" {
  statement_id  = "AllowPartnerIntegration"
  action        = "lambda:*"
  function_name = aws_lambda_function.orders.function_name
  principal     = "*"
}

# The nightly report runs from EventBridge.
resource "aws_cloudwatch_event_rule" "nightly" {
  name                = "${local.service}-nightly"
  schedule_expression = "cron(0 2 * * ? *)"
}

# MISTAKE: no aws_lambda_permission lets events.amazonaws.com invoke the report function, so
# EventBridge drops every nightly invocation (an outage that no plan or apply reports).
resource "aws_cloudwatch_event_target" "report" {
  rule = aws_cloudwatch_event_rule.nightly.name
  arn  = aws_lambda_function.report.arn
}

# The webhook has a public function URL for a SaaS vendor's callbacks (public on purpose).
# MISTAKE: since October 2025 a public function URL also needs lambda:InvokeFunction (with
# invoked_via_function_url = true): with only the InvokeFunctionUrl grant below every request
# gets 403 Forbidden.
# lpg-ignore: public-function-url -- the vendor's callbacks cannot sign requests; the handler checks an HMAC
resource "aws_lambda_function_url" "webhook" {
  function_name      = aws_lambda_function.webhook.function_name
  authorization_type = "NONE"
}

# lpg-ignore: public-function-url -- see aws_lambda_function_url.webhook
resource "aws_lambda_permission" "webhook_url" {
  statement_id           = "AllowPublicFunctionUrl"
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = aws_lambda_function.webhook.function_name
  principal              = "*"
  function_url_auth_type = "NONE"
}
