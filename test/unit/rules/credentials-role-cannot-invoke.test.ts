import { analyze, applyFix, assert, coveredText, only, rangeOf, ready } from '../helpers';
import { ALIAS, FN, REST, restIntegration } from './outage-fixtures';

const RULE = 'credentials-role-cannot-invoke';

const TRUST = `resource "aws_iam_role" "apigw" {
  name = "apigw"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "apigateway.amazonaws.com" }
    }]
  })
}
`;
const OTHER_FN = FN.replace(/orders/g, 'billing');
const JSONENCODE = `resource "aws_iam_role_policy" "apigw" {
  role = aws_iam_role.apigw.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "lambda:InvokeFunction"
        Resource = aws_lambda_function.billing.arn
      }
    ]
  })
}
`;
const HEREDOC = `resource "aws_iam_role_policy" "apigw" {
  role   = aws_iam_role.apigw.id
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "lambda:InvokeFunction",
      "Resource": "\${aws_lambda_function.billing.arn}"
    }
  ]
}
EOF
}
`;
const DOCUMENT = `data "aws_iam_policy_document" "apigw" {
  statement {
    actions   = ["lambda:InvokeFunction"]
    resources = [aws_lambda_function.billing.arn]
  }
}

resource "aws_iam_role_policy" "apigw" {
  role   = aws_iam_role.apigw.id
  policy = data.aws_iam_policy_document.apigw.json
}
`;
const integ = (uri = 'aws_lambda_function.orders.invoke_arn'): string => restIntegration(uri, '\n  credentials             = aws_iam_role.apigw.arn');
const base = FN + OTHER_FN + REST + integ() + TRUST;

describe(RULE, () => {
  before(ready);

  it('invalid: jsonencode role policy grants another function (range, message, whole fixed text)', () => {
    const files = { 'main.tf': base + JSONENCODE };
    const fs = only(analyze(files), RULE);
    assert.strictEqual(fs.length, 1, JSON.stringify(fs));
    assert.strictEqual(coveredText(files['main.tf'], fs[0]), 'aws_lambda_function.orders.invoke_arn');
    assert.deepStrictEqual(rangeOf(fs[0]), [36, 28, 36, 65]);
    assert.strictEqual(fs[0].message, 'Credentials role aws_iam_role.apigw may not invoke orders: aws_api_gateway_integration.post (API Gateway aws_api_gateway_rest_api.api) uses the credentials role aws_iam_role.apigw, whose policies do not allow lambda:InvokeFunction on aws_lambda_function.orders; every request to POST /orders will fail with 500.');
    assert.ok(fs[0].related.some((r) => r.message === 'role aws_iam_role.apigw'));
    assert.deepStrictEqual(only(analyze(files), 'missing-invoke-permission'), []);
    const fix = fs[0].fixes.find((f) => f.preferred)!;
    const fixed = applyFix(files, fix);
    assert.strictEqual(fixed['main.tf'], base + JSONENCODE.replace(`        Resource = aws_lambda_function.billing.arn
      }
`, `        Resource = aws_lambda_function.billing.arn
      },
      {
        Effect   = "Allow"
        Action   = "lambda:InvokeFunction"
        Resource = aws_lambda_function.orders.arn
      }
`));
    assert.deepStrictEqual(only(analyze(fixed), RULE), []);
  });

  it('invalid: heredoc policy; the fix adds a JSON statement', () => {
    const files = { 'main.tf': base + HEREDOC };
    const fs = only(analyze(files), RULE);
    assert.strictEqual(fs.length, 1);
    const fixed = applyFix(files, fs[0].fixes.find((f) => f.preferred)!);
    assert.strictEqual(fixed['main.tf'], base + HEREDOC.replace(`      "Resource": "\${aws_lambda_function.billing.arn}"
    }
`, `      "Resource": "\${aws_lambda_function.billing.arn}"
    },
    {
      "Effect": "Allow",
      "Action": "lambda:InvokeFunction",
      "Resource": "\${aws_lambda_function.orders.arn}"
    }
`));
    assert.deepStrictEqual(only(analyze(fixed), RULE), []);
  });

  it('invalid: policy document; the fix adds a statement block', () => {
    const files = { 'main.tf': base + DOCUMENT };
    const fs = only(analyze(files), RULE);
    assert.strictEqual(fs.length, 1);
    const fixed = applyFix(files, fs[0].fixes.find((f) => f.preferred)!);
    assert.strictEqual(fixed['main.tf'], base + DOCUMENT.replace(`    resources = [aws_lambda_function.billing.arn]
  }
`, `    resources = [aws_lambda_function.billing.arn]
  }

  statement {
    effect    = "Allow"
    actions   = ["lambda:InvokeFunction"]
    resources = [aws_lambda_function.orders.arn]
  }
`));
    assert.deepStrictEqual(only(analyze(fixed), RULE), []);
  });

  it('invalid: alias target, the role allows only the unqualified function', () => {
    const files = { 'main.tf': FN + OTHER_FN + ALIAS + REST + integ('aws_lambda_alias.live.invoke_arn') + TRUST + JSONENCODE.replace('billing', 'orders') };
    const fs = only(analyze(files), RULE);
    assert.strictEqual(fs.length, 1);
    const fixed = applyFix(files, fs[0].fixes.find((f) => f.preferred)!);
    assert.ok(fixed['main.tf'].includes('Resource = aws_lambda_alias.live.arn'));
    assert.deepStrictEqual(only(analyze(fixed), RULE), []);
  });

  it('invalid: the trust policy does not let API Gateway assume the role', () => {
    const files = { 'main.tf': base.replace('apigateway.amazonaws.com" }', 'lambda.amazonaws.com" }') + JSONENCODE.replace('billing', 'orders') };
    const fs = only(analyze(files), RULE);
    assert.strictEqual(fs.length, 1);
    assert.ok(fs[0].message.includes('whose trust policy does not let apigateway.amazonaws.com assume it'));
  });

  it('invalid: cross-file (integration in api.tf, role in iam.tf, function in lambda.tf)', () => {
    const files = { 'lambda.tf': FN + OTHER_FN, 'api.tf': REST + integ(), 'iam.tf': TRUST + JSONENCODE };
    const fs = only(analyze(files), RULE);
    assert.strictEqual(fs.length, 1);
    assert.strictEqual(fs[0].file, 'api.tf');
    assert.strictEqual(fs[0].fixes.find((f) => f.preferred)!.edits[0].file, 'iam.tf');
  });

  const valid: { name: string; files: Record<string, string> }[] = [
    { name: 'the role allows the function', files: { 'main.tf': base + JSONENCODE.replace('billing', 'orders') } },
    { name: 'the role allows Resource "*"', files: { 'main.tf': base + JSONENCODE.replace('aws_lambda_function.billing.arn', '"*"') } },
    { name: 'the role allows lambda:*', files: { 'main.tf': base + JSONENCODE.replace('billing', 'orders').replace('"lambda:InvokeFunction"', '"lambda:*"') } },
    { name: 'alias target, the role allows function:*', files: { 'main.tf': FN + OTHER_FN + ALIAS + REST + integ('aws_lambda_alias.live.invoke_arn') + TRUST + JSONENCODE.replace('aws_lambda_function.billing.arn', '"${aws_lambda_function.orders.arn}:*"') } },
    { name: 'a managed policy is attached (unknown content)', files: { 'main.tf': base + JSONENCODE + `resource "aws_iam_role_policy_attachment" "a" {\n  role       = aws_iam_role.apigw.name\n  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaRole"\n}\n` } },
    { name: 'the policy is unreadable (variable)', files: { 'main.tf': base + `variable "policy" {}\nresource "aws_iam_role_policy" "apigw" {\n  role   = aws_iam_role.apigw.id\n  policy = var.policy\n}\n` } },
    { name: 'credentials role is a variable', files: { 'main.tf': FN + REST + 'variable "role" {}\n' + restIntegration('aws_lambda_function.orders.invoke_arn', '\n  credentials             = var.role') } },
    { name: 'the role has no permission policy in the folder', files: { 'main.tf': base } },
    { name: 'conditions make it unknown', files: { 'main.tf': base + JSONENCODE.replace('billing', 'orders').replace('Resource = aws_lambda_function.orders.arn', 'Resource = aws_lambda_function.orders.arn\n        Condition = { StringEquals = { "aws:PrincipalTag/x" = "y" } }') } },
  ];
  for (const c of valid) it(`valid: ${c.name}`, () => assert.deepStrictEqual(only(analyze(c.files), RULE), []));
});
