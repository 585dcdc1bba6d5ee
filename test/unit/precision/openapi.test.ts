/** Issue 13: OpenAPI bodies of aws_api_gateway_rest_api / aws_apigatewayv2_api as triggers, operation by operation. */
import { analyze, applyFix, assert, only, ready } from '../helpers';
import { table } from '../rules/table';
import { FN, perm } from '../rules/outage-fixtures';

const MIP = 'missing-invoke-permission';

const REST_BODY = `resource "aws_api_gateway_rest_api" "api" {
  name = "orders"
  body = jsonencode({
    openapi = "3.0.1"
    paths = {
      "/orders" = {
        get = {
          x-amazon-apigateway-integration = {
            type       = "aws_proxy"
            httpMethod = "POST"
            uri        = aws_lambda_function.orders.invoke_arn
          }
        }
      }
    }
  })
}
`;
const HTTP_HEREDOC = `resource "aws_apigatewayv2_api" "http" {
  name          = "http"
  protocol_type = "HTTP"
  body          = <<-EOT
    {
      "openapi": "3.0.1",
      "paths": {
        "/orders/{id}": {
          "delete": {
            "x-amazon-apigateway-integration": {
              "type": "aws_proxy",
              "payloadFormatVersion": "2.0",
              "uri": "\${aws_lambda_function.orders.invoke_arn}"
            }
          }
        }
      }
    }
  EOT
}
`;
const SPEC = `{
  "openapi": "3.0.1",
  "paths": {
    "/orders": {
      "post": {
        "x-amazon-apigateway-integration": {
          "type": "aws_proxy",
          "httpMethod": "POST",
          "uri": "\${orders_uri}"
        }
      }
    }
  }
}
`;
const TEMPLATED = `resource "aws_api_gateway_rest_api" "api" {
  name = "orders"
  body = local.spec
}

locals {
  spec = templatefile("\${path.module}/spec.json", {
    orders_uri = aws_lambda_function.orders.invoke_arn
  })
}
`;
const YAML_SPEC = `openapi: "3.0.1"
paths:
  /orders:
    post:
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: POST
        uri: \${orders_uri}
  /health:
    get:
      x-amazon-apigateway-integration:
        type: mock
`;
const YAML_TF = TEMPLATED.replace('spec.json', 'spec.yaml');
const restPerm = (arn: string): string => perm('api', 'apigateway.amazonaws.com', `"\${aws_api_gateway_rest_api.api.execution_arn}${arn}"`);

describe('issue 13: OpenAPI bodies as triggers', () => {
  before(ready);
  table(MIP, [
    { name: 'REST body in jsonencode, no permission', files: { 'main.tf': FN + REST_BODY }, file: 'main.tf', range: [17, 25, 17, 62], text: 'aws_lambda_function.orders.invoke_arn' },
    { name: 'HTTP API body in a heredoc, no permission', files: { 'main.tf': FN + HTTP_HEREDOC }, file: 'main.tf', range: [19, 21, 19, 63], text: '"${aws_lambda_function.orders.invoke_arn}"' },
    { name: 'REST body from templatefile() of a JSON file through a local: reported in the file', files: { 'main.tf': FN + TEMPLATED, 'spec.json': SPEC }, file: 'spec.json', range: [8, 17, 8, 32], text: '"${orders_uri}"' },
    { name: 'REST body from templatefile() of a YAML file: reported on the uri in the YAML', files: { 'main.tf': FN + YAML_TF, 'spec.yaml': YAML_SPEC }, file: 'spec.yaml', range: [7, 13, 7, 26], text: '${orders_uri}' },
  ], [
    { name: 'YAML body with its permission', files: { 'main.tf': FN + YAML_TF + restPerm('/*/POST/orders'), 'spec.yaml': YAML_SPEC } },
    { name: 'YAML body whose uri is not passed (unknown)', files: { 'main.tf': FN + YAML_TF.replace('orders_uri = aws_lambda_function.orders.invoke_arn', 'other = 1'), 'spec.yaml': YAML_SPEC } },
    { name: 'REST body with a permission on /*/*', files: { 'main.tf': FN + REST_BODY + restPerm('/*/*') } },
    { name: 'REST body with a permission on /*/GET/orders', files: { 'main.tf': FN + REST_BODY + restPerm('/*/GET/orders') } },
    { name: 'HTTP body with a permission on /*/DELETE/orders/*', files: { 'main.tf': FN + HTTP_HEREDOC + perm('http', 'apigateway.amazonaws.com', '"${aws_apigatewayv2_api.http.execution_arn}/*/DELETE/orders/*"') } },
    { name: 'templatefile() body with its permission', files: { 'main.tf': FN + TEMPLATED + restPerm('/*/POST/orders'), 'spec.json': SPEC } },
    { name: 'an integration with credentials needs no resource policy', files: { 'main.tf': FN + REST_BODY.replace('httpMethod = "POST"', 'httpMethod  = "POST"\n            credentials = "arn:aws:iam::123456789012:role/apigw"') } },
    { name: 'an HTTP integration of another service', files: { 'main.tf': FN + REST_BODY.replace('"aws_proxy"', '"http_proxy"') } },
    { name: 'a body from a variable (unknown)', files: { 'main.tf': FN + 'variable "body" {}\nresource "aws_api_gateway_rest_api" "api" {\n  name = "x"\n  body = var.body\n}\n' } },
  ]);
  table('source-arn-mismatch', [
    { name: 'REST body: the only permission is for another method (POST), the operation is GET /orders', files: { 'main.tf': FN + REST_BODY + restPerm('/*/POST/orders') }, file: 'main.tf', range: [29, 18, 29, 79], text: '"${aws_api_gateway_rest_api.api.execution_arn}/*/POST/orders"' },
  ], [
    { name: 'REST body with a permission on /*/GET/*', files: { 'main.tf': FN + REST_BODY + restPerm('/*/GET/*') } },
  ]);
  it('message names the operation; the fix inserts the permission after the API and leaves nothing', () => {
    const files = { 'main.tf': FN + REST_BODY };
    const f = only(analyze(files), MIP)[0];
    assert.strictEqual(f.message, 'No permission lets API Gateway aws_api_gateway_rest_api.api invoke orders: every request to GET /orders will fail with 500. No aws_lambda_permission on aws_lambda_function.orders grants apigateway.amazonaws.com.');
    const fixed = applyFix(files, f.fixes.find((x) => x.preferred)!);
    assert.ok(fixed['main.tf'].includes('source_arn    = "${aws_api_gateway_rest_api.api.execution_arn}/*/*"'), fixed['main.tf']);
    assert.deepStrictEqual(analyze(fixed).filter((x) => x.severity === 'error'), []);
  });
});
