import { analyze, applyFix, assert, coveredText, only, rangeOf, ready } from '../helpers';
import { FN } from './outage-fixtures';

const RULE = 'function-url-missing-invoke-function';

const URL = `resource "aws_lambda_function_url" "orders" {
  function_name      = aws_lambda_function.orders.function_name
  authorization_type = "NONE"
}
`;
const URL_GRANT = `resource "aws_lambda_permission" "url" {
  statement_id           = "FunctionURLAllowPublicAccess"
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = aws_lambda_function.orders.function_name
  principal              = "*"
  function_url_auth_type = "NONE"
}
`;
const INVOKE_GRANT = `resource "aws_lambda_permission" "url_invoke" {
  statement_id             = "FunctionURLInvokeAllowPublicAccess"
  action                   = "lambda:InvokeFunction"
  function_name            = aws_lambda_function.orders.function_name
  principal                = "*"
  invoked_via_function_url = true
}
`;
const CF = `resource "aws_cloudfront_distribution" "cdn" {
  enabled = true
}

resource "aws_lambda_permission" "cloudfront" {
  statement_id  = "AllowCloudFrontServicePrincipal"
  action        = "lambda:InvokeFunctionUrl"
  function_name = aws_lambda_function.orders.function_name
  principal     = "cloudfront.amazonaws.com"
  source_arn    = aws_cloudfront_distribution.cdn.arn
}
`;

describe(RULE, () => {
  before(ready);

  it('invalid: public URL with only lambda:InvokeFunctionUrl (range on the URL, message, whole fixed text)', () => {
    const files = { 'main.tf': FN + URL + URL_GRANT };
    const fs = only(analyze(files), RULE);
    assert.strictEqual(fs.length, 1, JSON.stringify(fs));
    assert.strictEqual(coveredText(files['main.tf'], fs[0]), 'resource "aws_lambda_function_url" "orders"');
    assert.deepStrictEqual(rangeOf(fs[0]), [7, 0, 7, 43]);
    assert.strictEqual(fs[0].message, 'Function URL of orders answers 403 Forbidden to every request: aws_lambda_permission.url grants lambda:InvokeFunctionUrl to "*" but nothing grants lambda:InvokeFunction on aws_lambda_function.orders (required for function URLs since October 2025); the URL is aws_lambda_function_url.orders.');
    assert.deepStrictEqual(fs[0].related.map((r) => r.message), ['permission aws_lambda_permission.url', 'function aws_lambda_function.orders']);
    const fix = fs[0].fixes.find((f) => f.preferred)!;
    const fixed = applyFix(files, fix);
    assert.strictEqual(fixed['main.tf'], FN + URL + URL_GRANT + `
resource "aws_lambda_permission" "url_invoke_function" {
  statement_id             = "FunctionURLAllowPublicAccessInvokeFunction"
  action                   = "lambda:InvokeFunction"
  function_name            = aws_lambda_function.orders.function_name
  principal                = "*"
  invoked_via_function_url = true
}
`);
    assert.deepStrictEqual(only(analyze(fixed), RULE), []);
  });

  it('invalid: the InvokeFunctionUrl grant alone (no aws_lambda_function_url in the folder) is reported on its action', () => {
    const files = { 'main.tf': FN + URL_GRANT };
    const fs = only(analyze(files), RULE);
    assert.strictEqual(fs.length, 1);
    assert.strictEqual(coveredText(files['main.tf'], fs[0]), '"lambda:InvokeFunctionUrl"');
  });

  it('invalid: CloudFront origin access control grant without InvokeFunction; the fix keeps source_arn', () => {
    const files = { 'main.tf': FN + URL.replace('"NONE"', '"AWS_IAM"') + CF };
    const fs = only(analyze(files), RULE);
    assert.strictEqual(fs.length, 1);
    assert.strictEqual(coveredText(files['main.tf'], fs[0]), '"lambda:InvokeFunctionUrl"');
    assert.strictEqual(fs[0].message, 'CloudFront cannot invoke the function URL of orders: every request through the distribution will get 403 Forbidden; aws_lambda_permission.cloudfront grants cloudfront.amazonaws.com lambda:InvokeFunctionUrl but not lambda:InvokeFunction on aws_lambda_function.orders (required since October 2025).');
    const fixed = applyFix(files, fs[0].fixes.find((f) => f.preferred)!);
    assert.strictEqual(fixed['main.tf'], files['main.tf'] + `
resource "aws_lambda_permission" "cloudfront_invoke_function" {
  statement_id             = "AllowCloudFrontServicePrincipalInvokeFunction"
  action                   = "lambda:InvokeFunction"
  function_name            = aws_lambda_function.orders.function_name
  principal                = "cloudfront.amazonaws.com"
  source_arn               = aws_cloudfront_distribution.cdn.arn
  invoked_via_function_url = true
}
`);
    assert.deepStrictEqual(only(analyze(fixed), RULE), []);
  });

  it('invalid: JSON resource policy with only lambda:InvokeFunctionUrl for "*"', () => {
    const json = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'FunctionURLAllowPublicAccess', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunctionUrl', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:orders', Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } } }] }, null, 2);
    const files = { 'main.tf': FN, 'policy.json': json };
    const fs = only(analyze(files), RULE);
    assert.strictEqual(fs.length, 1);
    assert.strictEqual(fs[0].file, 'policy.json');
    assert.strictEqual(coveredText(json, fs[0]), '"lambda:InvokeFunctionUrl"');
    const fixed = applyFix(files, fs[0].fixes.find((f) => f.preferred)!);
    assert.strictEqual(fixed['policy.json'], json.replace(`      }
    }
  ]`, `      }
    },
    {
      "Sid": "FunctionURLAllowPublicAccessInvokeFunction",
      "Effect": "Allow",
      "Principal": "*",
      "Action": "lambda:InvokeFunction",
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:orders",
      "Condition": {
        "Bool": {
          "lambda:InvokedViaFunctionUrl": "true"
        }
      }
    }
  ]`));
    assert.deepStrictEqual(only(analyze(fixed), RULE), []);
  });

  const valid: { name: string; files: Record<string, string> }[] = [
    { name: 'both grants', files: { 'main.tf': FN + URL + URL_GRANT + INVOKE_GRANT } },
    { name: 'InvokeFunction without invoked_via_function_url also counts', files: { 'main.tf': FN + URL + URL_GRANT + INVOKE_GRANT.replace('\n  invoked_via_function_url = true', '') } },
    { name: 'CloudFront with its companion', files: { 'main.tf': FN + CF + `resource "aws_lambda_permission" "cf_invoke" {\n  action                   = "lambda:InvokeFunction"\n  function_name            = aws_lambda_function.orders.function_name\n  principal                = "cloudfront.amazonaws.com"\n  source_arn               = aws_cloudfront_distribution.cdn.arn\n  invoked_via_function_url = true\n}\n` } },
    { name: 'AWS_IAM URL grant to an account', files: { 'main.tf': FN + URL.replace('"NONE"', '"AWS_IAM"') + URL_GRANT.replace('"*"', '"123456789012"').replace('"NONE"', '"AWS_IAM"') } },
    { name: 'a permission with unknown function_name may be the companion', files: { 'main.tf': FN + URL + URL_GRANT + 'variable "fn" {}\n' + INVOKE_GRANT.replace('aws_lambda_function.orders.function_name', 'var.fn') } },
    { name: 'grant on a function of another folder (unknown)', files: { 'main.tf': URL_GRANT.replace('aws_lambda_function.orders.function_name', 'module.fn.lambda_function_name') } },
  ];
  for (const c of valid) it(`valid: ${c.name}`, () => assert.deepStrictEqual(only(analyze(c.files), RULE), []));

  it('invalid: the companion is on another function', () => {
    const other = FN.replace(/orders/g, 'billing');
    const files = { 'main.tf': FN + other + URL + URL_GRANT + INVOKE_GRANT.replace('aws_lambda_function.orders', 'aws_lambda_function.billing') };
    assert.strictEqual(only(analyze(files), RULE).length, 1);
  });
});
