/** Terraform snippets shared by the outage rule tests. */

export const FN = `resource "aws_lambda_function" "orders" {
  function_name = "orders"
  role          = "arn:aws:iam::123456789012:role/lambda"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "orders.zip"
}
`;

export const ALIAS = `resource "aws_lambda_alias" "live" {
  name             = "live"
  function_name    = aws_lambda_function.orders.function_name
  function_version = "1"
}
`;

export const REST = `resource "aws_api_gateway_rest_api" "api" {
  name = "orders"
}

resource "aws_api_gateway_resource" "orders" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = "orders"
}

resource "aws_api_gateway_method" "post" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = aws_api_gateway_resource.orders.id
  http_method   = "POST"
  authorization = "NONE"
}
`;

export const restIntegration = (uri = 'aws_lambda_function.orders.invoke_arn', extra = ''): string => `resource "aws_api_gateway_integration" "post" {
  rest_api_id             = aws_api_gateway_rest_api.api.id
  resource_id             = aws_api_gateway_resource.orders.id
  http_method             = aws_api_gateway_method.post.http_method
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = ${uri}${extra}
}
`;

/** An aws_lambda_permission block. */
export function perm(name: string, principal: string, sourceArn?: string, fn = 'aws_lambda_function.orders.function_name', extra = ''): string {
  return `resource "aws_lambda_permission" "${name}" {
  statement_id  = "Allow${name}"
  action        = "lambda:InvokeFunction"
  function_name = ${fn}
  principal     = "${principal}"${sourceArn ? `\n  source_arn    = ${sourceArn}` : ''}${extra}
}
`;
}

export const LOGS = `resource "aws_cloudwatch_log_group" "app" {
  name = "/app"
}

resource "aws_cloudwatch_log_subscription_filter" "app" {
  name            = "app"
  log_group_name  = aws_cloudwatch_log_group.app.name
  filter_pattern  = ""
  destination_arn = aws_lambda_function.orders.arn
}
`;
export const S3 = `resource "aws_s3_bucket" "uploads" {
  bucket = "uploads"
}

resource "aws_s3_bucket_notification" "uploads" {
  bucket = aws_s3_bucket.uploads.id

  lambda_function {
    lambda_function_arn = aws_lambda_function.orders.arn
    events              = ["s3:ObjectCreated:*"]
  }
}
`;
