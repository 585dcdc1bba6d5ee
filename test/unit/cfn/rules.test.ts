/**
 * The rules on CloudFormation / SAM templates: YAML short forms, YAML long forms and JSON, with
 * exact ranges, whole fixed texts, and the fixed template re-read (it still parses as a template
 * and the finding is gone).
 */
import { analyze, applyFix, assert, coveredText, only, rangeOf, ready } from '../helpers';
import { makeSourceFile } from '../../../server/src/core/source';
import type { Finding } from '../../../server/src/core/types';
import { stringify } from 'yaml';
import { parseTemplate, type CNode } from '../../../server/src/core/frontends/cfn/parse';
import { cfnInfo } from '../../../server/src/core/frontends/cfn/synth';

/** A template as plain data with long-form intrinsics (what `aws cloudformation` and cfn-flip produce). */
function plain(n: CNode): unknown {
  if (n.k === 'scalar') return n.value;
  if (n.k === 'seq') return n.items.map(plain);
  if (n.k === 'map') return Object.fromEntries(n.entries.map((e) => [e.key, plain(e.value)]));
  let arg = plain(n.arg);
  if (n.name === 'Fn::GetAtt' && typeof arg === 'string') arg = [arg.slice(0, arg.indexOf('.')), arg.slice(arg.indexOf('.') + 1)];
  return { [n.name]: arg };
}
/** The same template in long-form YAML and in JSON. */
function variants(yamlShort: string): { 'template.yaml': string; 'template.json': string } {
  const data = plain(parseTemplate(yamlShort, 'yaml').root!);
  return { 'template.yaml': stringify(data, { lineWidth: 0 }), 'template.json': JSON.stringify(data, null, 2) + '\n' };
}
/** The logical id of the resource a finding is in. */
function resourceOf(file: string, text: string, f: Finding): string | undefined {
  const sf = makeSourceFile(file, text);
  const o = sf.lines.offsetAt(f.range.start);
  for (const r of cfnInfo(sf.syntax)!.resources.values()) if (r.entry.span.start <= o && o <= r.entry.span.end) return r.id;
  return undefined;
}

interface Case {
  name: string;
  file: string;
  text: string;
  rule: string;
  range: [number, number, number, number];
  covered: string;
  message?: RegExp;
  /** Title prefix of the fix to apply, and the whole fixed text. */
  fix?: string;
  fixed?: string;
  preferred?: boolean;
}

function one(c: Case): Finding {
  const fs = only(analyze({ [c.file]: c.text }), c.rule);
  assert.strictEqual(fs.length, 1, JSON.stringify(fs.map((f) => [rangeOf(f), f.message])));
  return fs[0];
}

function run(cases: Case[]): void {
  // every YAML short-form case again in long-form YAML and in JSON (generated): same rule, same resource, the fix re-read clears it
  for (const c of cases.filter((x) => x.file === 'template.yaml' && /!(Ref|GetAtt|Sub)/.test(x.text))) {
    for (const [file, text] of Object.entries(variants(c.text))) it(`${c.rule}: ${c.name} (as ${file === 'template.json' ? 'JSON' : 'long-form YAML'})`, () => {
      const want = resourceOf(c.file, c.text, one(c));
      const f = one({ ...c, file, text });
      assert.strictEqual(resourceOf(file, text, f), want);
      assert.doesNotMatch(f.message, /aws_[a-z_]+\.|\bsource_arn\b/);
      if (!c.fix) return;
      const fix = f.fixes.find((x) => x.title.startsWith(c.fix!.replace(/!Sub|!Ref|!GetAtt/, '').trim().split(' ')[0]));
      assert.ok(fix, JSON.stringify(f.fixes.map((x) => x.title)));
      const out = applyFix({ [file]: text }, fix!)[file];
      assert.doesNotMatch(out, /!(Ref|GetAtt|Sub)\b/, 'long forms stay long');
      const sf = makeSourceFile(file, out);
      assert.strictEqual(sf.kind, 'cfn');
      assert.deepStrictEqual(sf.syntax!.errors, []);
      assert.deepStrictEqual(only(analyze({ [file]: out }), c.rule).filter((x) => x.message === f.message).map((x) => x.message), []);
    });
  }
  for (const c of cases) it(`${c.rule}: ${c.name}`, () => {
    const f = one(c);
    assert.deepStrictEqual(rangeOf(f), c.range);
    assert.strictEqual(coveredText(c.text, f), c.covered);
    if (c.message) assert.match(f.message, c.message);
    assert.doesNotMatch(f.message, /aws_[a-z_]+\.|\bsource_arn\b/, 'messages name CloudFormation things');
    if (c.fix === undefined) return;
    const fix = f.fixes.find((x) => x.title.startsWith(c.fix!));
    assert.ok(fix, `no fix "${c.fix}" in ${JSON.stringify(f.fixes.map((x) => x.title))}`);
    if (c.preferred !== undefined) assert.strictEqual(fix!.preferred, c.preferred);
    const out = applyFix({ [c.file]: c.text }, fix!)[c.file];
    assert.strictEqual(out, c.fixed);
    const sf = makeSourceFile(c.file, out);
    assert.strictEqual(sf.kind, 'cfn');
    assert.deepStrictEqual(sf.syntax!.errors, []);
    const after = only(analyze({ [c.file]: out }), c.rule).filter((x) => x.message === f.message);
    assert.deepStrictEqual(after.map((x) => x.message), [], 'the finding is gone after the fix');
  });
}

// ---------- templates ----------

const S3_YAML = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Resize:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
  Uploads:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: uploads-example
      NotificationConfiguration:
        LambdaConfigurations:
          - Event: s3:ObjectCreated:*
            Function: !GetAtt Resize.Arn
  UploadsPermission:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref Resize
      Principal: s3.amazonaws.com
      SourceAccount: !Ref AWS::AccountId
`;

const S3_JSON = `{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Resize": {
      "Type": "AWS::Lambda::Function",
      "Properties": {
        "Handler": "index.handler"
      }
    },
    "Uploads": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "BucketName": "uploads-example",
        "NotificationConfiguration": {
          "LambdaConfigurations": [
            {
              "Event": "s3:ObjectCreated:*",
              "Function": {"Fn::GetAtt": ["Resize", "Arn"]}
            }
          ]
        }
      }
    },
    "UploadsPermission": {
      "Type": "AWS::Lambda::Permission",
      "Properties": {
        "Action": "lambda:*",
        "FunctionName": {"Ref": "Resize"},
        "Principal": "s3.amazonaws.com"
      }
    }
  }
}
`;

const SNS_LONG = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Orders:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
  Topic:
    Type: AWS::SNS::Topic
  Sub:
    Type: AWS::SNS::Subscription
    Properties:
      TopicArn:
        Ref: Topic
      Protocol: lambda
      Endpoint:
        Fn::GetAtt: [Orders, Arn]
  TopicPermission:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName:
        Ref: Orders
      Principal: sns.amazonaws.com
`;

const API_YAML = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Orders:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: orders
  Method:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: POST
      AuthorizationType: NONE
      Integration:
        Type: AWS_PROXY
        IntegrationHttpMethod: POST
        Uri: !Sub arn:\${AWS::Partition}:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${Orders.Arn}/invocations
`;

const API_LONG = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Orders:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: orders
  Method:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId:
        Ref: Api
      ResourceId:
        Fn::GetAtt: [Api, RootResourceId]
      HttpMethod: GET
      AuthorizationType: NONE
      Integration:
        Type: AWS_PROXY
        IntegrationHttpMethod: POST
        Uri:
          Fn::Join:
            - ''
            - - 'arn:aws:apigateway:'
              - Ref: AWS::Region
              - ':lambda:path/2015-03-31/functions/'
              - Fn::GetAtt: [Orders, Arn]
              - /invocations
`;

const API_JSON = `{
  "Resources": {
    "Orders": {"Type": "AWS::Lambda::Function", "Properties": {"Handler": "index.handler"}},
    "Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"Name": "orders", "ProtocolType": "HTTP"}},
    "Integration": {
      "Type": "AWS::ApiGatewayV2::Integration",
      "Properties": {
        "ApiId": {"Ref": "Api"},
        "IntegrationType": "AWS_PROXY",
        "IntegrationUri": {"Fn::GetAtt": ["Orders", "Arn"]},
        "PayloadFormatVersion": "2.0"
      }
    },
    "Route": {
      "Type": "AWS::ApiGatewayV2::Route",
      "Properties": {
        "ApiId": {"Ref": "Api"},
        "RouteKey": "GET /orders",
        "Target": {"Fn::Join": ["/", ["integrations", {"Ref": "Integration"}]]}
      }
    }
  }
}
`;

const QUAL = `Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
  Live:
    Type: AWS::Lambda::Alias
    Properties:
      FunctionName: !Ref Fn
      FunctionVersion: "1"
      Name: live
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      Subscription:
        - Protocol: lambda
          Endpoint: !Ref Live
  Perm:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref Fn
      Principal: sns.amazonaws.com
      SourceArn: !Ref Topic
`;

const PERM_YAML = (props: string): string => `Resources:
  Orders:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
  OrdersPermission:
    Type: AWS::Lambda::Permission
    Properties:
${props}`;

describe('CloudFormation and SAM templates: the rules', function () {
  this.timeout(30000);
  before(ready);

  run([
    {
      name: 'YAML short form: the bucket does not DependsOn the permission', rule: 'notification-before-permission', file: 'template.yaml', text: S3_YAML,
      range: [13, 22, 13, 40], covered: '!GetAtt Resize.Arn', message: /^AWS::S3::Bucket Uploads may be created before UploadsPermission: it does not depend on UploadsPermission/,
      fix: 'Add DependsOn: UploadsPermission to Uploads', preferred: true,
      fixed: S3_YAML.replace('    Type: AWS::S3::Bucket\n', '    Type: AWS::S3::Bucket\n    DependsOn: UploadsPermission\n'),
    },
    {
      name: 'JSON: the bucket does not DependsOn the permission', rule: 'notification-before-permission', file: 'template.json', text: S3_JSON,
      range: [17, 26, 17, 59], covered: '{"Fn::GetAtt": ["Resize", "Arn"]}',
      fix: 'Add DependsOn: UploadsPermission', preferred: true,
      fixed: S3_JSON.replace('      "Type": "AWS::S3::Bucket",\n', '      "Type": "AWS::S3::Bucket",\n      "DependsOn": "UploadsPermission",\n'),
    },
    {
      name: 'circular: DependsOn the permission whose SourceArn is !GetAtt Bucket.Arn; the fix writes the ARN from BucketName', rule: 'notification-before-permission', file: 'template.yaml',
      text: S3_YAML.replace('    Type: AWS::S3::Bucket\n', '    Type: AWS::S3::Bucket\n    DependsOn: [UploadsPermission]\n').replace('      SourceAccount:', '      SourceArn: !GetAtt Uploads.Arn\n      SourceAccount:'),
      range: [14, 22, 14, 40], covered: '!GetAtt Resize.Arn', message: /circular dependency/,
      fix: "Write UploadsPermission's SourceArn from the bucket name",
      fixed: S3_YAML.replace('    Type: AWS::S3::Bucket\n', '    Type: AWS::S3::Bucket\n    DependsOn: [UploadsPermission]\n').replace('      SourceAccount:', '      SourceArn: !Sub "arn:${AWS::Partition}:s3:::uploads-example"\n      SourceAccount:'),
    },
    {
      name: 'YAML short form: S3 permission without SourceArn, the fix names the bucket by BucketName (no cycle)', rule: 'missing-source-arn', file: 'template.yaml', text: S3_YAML,
      range: [19, 17, 19, 33], covered: 's3.amazonaws.com', message: /^No SourceArn: any S3 bucket in any account can invoke AWS::Lambda::Function Resize \(AWS::Lambda::Permission UploadsPermission\)\. It lets s3\.amazonaws\.com invoke the function/,
      fix: 'Add SourceArn: !Sub "arn:${AWS::Partition}:s3:::uploads-example"', preferred: true,
      fixed: S3_YAML.replace('      Principal: s3.amazonaws.com\n', '      Principal: s3.amazonaws.com\n      SourceArn: !Sub "arn:${AWS::Partition}:s3:::uploads-example"\n'),
    },
    {
      name: 'YAML long form: SNS permission without SourceArn, the fix is the topic in long form', rule: 'missing-source-arn', file: 'template.yaml', text: SNS_LONG,
      range: [22, 17, 22, 34], covered: 'sns.amazonaws.com',
      fix: 'Add SourceArn: !Ref Topic', preferred: true,
      fixed: SNS_LONG + '      SourceArn: {"Ref": "Topic"}\n',
    },
    {
      name: 'JSON: S3 permission without SourceArn, the fix is Fn::Sub from BucketName', rule: 'missing-source-arn', file: 'template.json', text: S3_JSON,
      range: [28, 21, 28, 39], covered: '"s3.amazonaws.com"',
      fix: 'Add SourceArn', preferred: true,
      fixed: S3_JSON.replace('        "Principal": "s3.amazonaws.com"\n', '        "Principal": "s3.amazonaws.com",\n        "SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:s3:::uploads-example"}\n'),
    },
    {
      name: 'JSON: S3 permission without SourceAccount', rule: 'missing-source-account', file: 'template.json', text: S3_JSON,
      range: [28, 21, 28, 39], covered: '"s3.amazonaws.com"',
      fix: 'Add SourceAccount: !Ref AWS::AccountId',
      fixed: S3_JSON.replace('        "Principal": "s3.amazonaws.com"\n', '        "Principal": "s3.amazonaws.com",\n        "SourceAccount": {"Ref": "AWS::AccountId"}\n'),
    },
    {
      name: 'JSON: lambda:* for a service principal', rule: 'broad-permission-action', file: 'template.json', text: S3_JSON,
      range: [26, 18, 26, 28], covered: '"lambda:*"', fix: 'Replace with lambda:InvokeFunction', preferred: true,
      fixed: S3_JSON.replace('"lambda:*"', '"lambda:InvokeFunction"'),
    },
    {
      name: 'YAML short form: lambda:* narrowed, plain scalar kept plain', rule: 'broad-permission-action', file: 'template.yaml', text: S3_YAML.replace('Action: lambda:InvokeFunction', 'Action: lambda:*'),
      range: [17, 14, 17, 22], covered: 'lambda:*', fix: 'Replace with lambda:InvokeFunction', fixed: S3_YAML,
    },
    {
      name: 'YAML short form: REST API method with no permission; the fix inserts a whole AWS::Lambda::Permission', rule: 'missing-invoke-permission', file: 'template.yaml', text: API_YAML,
      range: [20, 13, 20, 124], covered: '!Sub arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Orders.Arn}/invocations',
      message: /^No permission lets API Gateway AWS::ApiGateway::RestApi Api invoke AWS::Lambda::Function Orders: every request to POST \/ will fail with 500\. No AWS::Lambda::Permission grants apigateway\.amazonaws\.com\.$/,
      fix: 'Add AWS::Lambda::Permission OrdersApiGatewayPermission for apigateway.amazonaws.com', preferred: true,
      fixed: API_YAML + `  OrdersApiGatewayPermission:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref Orders
      Principal: apigateway.amazonaws.com
      SourceArn: !Sub "arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${Api}/*/*"
`,
    },
    {
      name: 'YAML long form (Fn::Join URI): the permission is written in long form', rule: 'missing-invoke-permission', file: 'template.yaml', text: API_LONG,
      range: [23, 10, 29, 28], covered: `Fn::Join:
            - ''
            - - 'arn:aws:apigateway:'
              - Ref: AWS::Region
              - ':lambda:path/2015-03-31/functions/'
              - Fn::GetAtt: [Orders, Arn]
              - /invocations`,
      fix: 'Add AWS::Lambda::Permission', preferred: true,
      fixed: API_LONG + `  OrdersApiGatewayPermission:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: {"Ref": "Orders"}
      Principal: apigateway.amazonaws.com
      SourceArn: {"Fn::Sub": "arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${Api}/*/*"}
`,
    },
    {
      name: 'JSON: HTTP API integration routed by GET /orders with no permission', rule: 'missing-invoke-permission', file: 'template.json', text: API_JSON,
      range: [9, 26, 9, 59], covered: '{"Fn::GetAtt": ["Orders", "Arn"]}', message: /every request to GET \/orders will fail with 500/,
      fix: 'Add AWS::Lambda::Permission OrdersApiGatewayPermission',
      fixed: API_JSON.replace(`        "PayloadFormatVersion": "2.0"
      }
    }`, `        "PayloadFormatVersion": "2.0"
      }
    },
    "OrdersApiGatewayPermission": {
      "Type": "AWS::Lambda::Permission",
      "Properties": {
        "Action": "lambda:InvokeFunction",
        "FunctionName": {"Ref": "Orders"},
        "Principal": "apigateway.amazonaws.com",
        "SourceArn": {"Fn::Sub": "arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${Api}/*/*"}
      }
    }`),
    },
    {
      name: 'execute-api SourceArn without /stage/method/path never matches', rule: 'source-arn-mismatch', file: 'template.yaml',
      text: API_YAML + `  ApiPermission:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !GetAtt Orders.Arn
      Principal: apigateway.amazonaws.com
      SourceArn: !Sub arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${Api}
`,
      range: [27, 17, 27, 95], covered: '!Sub arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}',
      fix: 'Set SourceArn to !Sub', fixed: API_YAML + `  ApiPermission:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !GetAtt Orders.Arn
      Principal: apigateway.amazonaws.com
      SourceArn: !Sub "arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${Api}/*/*"
`,
    },
    {
      name: 'YAML: Principal "*" with nothing that narrows it', rule: 'public-invoke-principal', file: 'template.yaml',
      text: PERM_YAML(`      Action: lambda:InvokeFunction
      FunctionName: !Ref Orders
      Principal: "*"
`), range: [10, 17, 10, 20], covered: '"*"', message: /^Anyone can invoke AWS::Lambda::Function Orders: AWS::Lambda::Permission OrdersPermission grants principal \"\*\"/,
    },
    {
      name: 'YAML: Alexa principal without EventSourceToken', rule: 'missing-event-source-token', file: 'template.yaml',
      text: PERM_YAML(`      Action: lambda:InvokeFunction
      FunctionName: !Ref Orders
      Principal: alexa-appkit.amazon.com
`), range: [10, 17, 10, 40], covered: 'alexa-appkit.amazon.com',
    },
    {
      name: 'YAML: AWS::Lambda::Url with AuthType NONE', rule: 'public-function-url', file: 'template.yaml',
      text: `Resources:
  Orders:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
  OrdersUrl:
    Type: AWS::Lambda::Url
    Properties:
      TargetFunctionArn: !GetAtt Orders.Arn
      AuthType: NONE
`, range: [9, 16, 9, 20], covered: 'NONE', fix: 'Set AuthType: "AWS_IAM"', fixed: `Resources:
  Orders:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
  OrdersUrl:
    Type: AWS::Lambda::Url
    Properties:
      TargetFunctionArn: !GetAtt Orders.Arn
      AuthType: AWS_IAM
`,
    },
    {
      name: 'YAML: an execute-api SourceArn that wildcards the API id', rule: 'broad-source-arn', file: 'template.yaml',
      text: PERM_YAML(`      Action: lambda:InvokeFunction
      FunctionName: !Ref Orders
      Principal: apigateway.amazonaws.com
      SourceArn: !Sub "arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:*/*/*"
`), range: [11, 17, 11, 96], covered: '!Sub "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:*/*/*"',
    },
    {
      name: 'YAML: an IAM role policy granting lambda:*', rule: 'wildcard-lambda-action', file: 'template.yaml',
      text: `Resources:
  Orders:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: invoke
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: lambda:*
                Resource: !GetAtt Orders.Arn
`, range: [18, 24, 18, 32], covered: 'lambda:*',
    },
    {
      name: 'JSON: an AWS::IAM::Policy granting lambda:InvokeFunction on "*"', rule: 'wildcard-lambda-resource', file: 'template.json',
      text: `{
  "Resources": {
    "Invoke": {
      "Type": "AWS::IAM::Policy",
      "Properties": {
        "PolicyName": "invoke",
        "PolicyDocument": {
          "Statement": [{"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "*"}]
        }
      }
    }
  }
}
`, range: [7, 91, 7, 94], covered: '"*"',
    },
    {
      name: 'YAML: the topic invokes alias Live, the permission is on the function; the fix names the alias in FunctionName', rule: 'qualifier-mismatch', file: 'template.yaml',
      text: QUAL, range: [21, 20, 21, 27], covered: '!Ref Fn', message: /^Qualifier mismatch for AWS::Lambda::Function Fn: SNS topic AWS::SNS::Topic Topic invokes alias AWS::Lambda::Alias Live, but AWS::Lambda::Permission Perm grants the unqualified function/,
      fix: 'Set FunctionName to AWS::Lambda::Alias Live', preferred: true, fixed: QUAL.replace('      FunctionName: !Ref Fn\n      Principal', '      FunctionName: !Ref Live\n      Principal'),
    },
  ]);

  it('an unconditional SAM S3 event: missing-source-arn on the event Type line, no fix, no outage', () => {
    const text = `Transform: AWS::Serverless-2016-10-31
Resources:
  Bucket:
    Type: AWS::S3::Bucket
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      Events:
        Upload:
          Type: S3
          Properties:
            Bucket: !Ref Bucket
            Events: s3:ObjectCreated:*
`;
    const fs = analyze({ 'template.yaml': text });
    assert.deepStrictEqual(fs.map((f) => [f.ruleId, rangeOf(f), coveredText(text, f)]), [['missing-source-arn', [11, 16, 11, 18], 'S3']]);
    assert.match(fs[0].message, /^No SourceArn: any S3 bucket in any account can invoke AWS::Serverless::Function Fn \(the permission SAM makes for event Upload of Fn\)\. It lets s3\.amazonaws\.com/);
    assert.deepStrictEqual(fs[0].fixes.map((x) => x.title), ['Ignore missing-source-arn for this resource']);
  });

  it('SAM: an HttpApi Lambda authorizer without EnableFunctionDefaultPermissions is an outage on FunctionArn; with it, none', () => {
    const text = (enable: string): string => `Transform: AWS::Serverless-2016-10-31
Resources:
  AuthFn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
      Auth:
        Authorizers:
          Lambda:
            FunctionArn: !GetAtt AuthFn.Arn
            AuthorizerPayloadFormatVersion: "2.0"${enable}
`;
    const fs = only(analyze({ 'template.yaml': text('') }), 'missing-invoke-permission');
    assert.deepStrictEqual(fs.map((f) => [rangeOf(f), coveredText(text(''), f)]), [[[13, 25, 13, 43], '!GetAtt AuthFn.Arn']]);
    assert.deepStrictEqual(only(analyze({ 'template.yaml': text('\n            EnableFunctionDefaultPermissions: true') }), 'missing-invoke-permission'), []);
  });

  it('SAM: an OpenAPI DefinitionBody integration with no event and no permission is an outage; an Api event on that API covers it', () => {
    const base = `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
EVENTS  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      DefinitionBody:
        openapi: 3.0.1
        paths:
          /orders:
            get:
              x-amazon-apigateway-integration:
                type: aws_proxy
                httpMethod: POST
                uri: !Sub arn:aws:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${Fn.Arn}/invocations
`;
    const bad = base.replace('EVENTS', '');
    const fs = only(analyze({ 'template.yaml': bad }), 'missing-invoke-permission');
    assert.deepStrictEqual(fs.map((f) => rangeOf(f)), [[19, 21, 19, 114]]);
    assert.match(fs[0].message, /^No permission lets API Gateway AWS::Serverless::Api Api invoke AWS::Serverless::Function Fn:/);
    const good = base.replace('EVENTS', `      Events:
        Get:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /orders
            Method: get
`);
    assert.deepStrictEqual(analyze({ 'template.yaml': good }).map((f) => f.ruleId), []);
  });

  it('SAM AutoPublishAlias: an explicit trigger on the function (not the alias) with a permission on the alias is a qualifier mismatch', () => {
    const text = `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      AutoPublishAlias: live
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      Subscription:
        - Protocol: lambda
          Endpoint: !GetAtt Fn.Arn
  Perm:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref Fn.Alias
      Principal: sns.amazonaws.com
      SourceArn: !Ref Topic
`;
    const fs = analyze({ 'template.yaml': text }).filter((f) => f.severity === 'error');
    assert.deepStrictEqual(fs.map((f) => [f.ruleId, coveredText(text, f)]), [['qualifier-mismatch', '!Ref Fn.Alias']]);
  });

  it('suppressions: # lpg-ignore above the logical id, Metadata lpg/cfn-lint/cfn_nag', () => {
    const perm = (meta: string, comment = ''): string => `Resources:
  Orders:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
${comment}  P:
    Type: AWS::Lambda::Permission
${meta}    Properties:
      Action: lambda:*
      FunctionName: !Ref Orders
      Principal: "*"
`;
    const ids = (t: string): string[] => analyze({ 'template.yaml': t }).map((f) => f.ruleId).sort();
    assert.deepStrictEqual(ids(perm('')), ['broad-permission-action', 'public-invoke-principal']);
    assert.deepStrictEqual(ids(perm('', '  # lpg-ignore: public-invoke-principal -- demo\n')), ['broad-permission-action']);
    assert.deepStrictEqual(ids(perm('    Metadata:\n      lpg:\n        ignore: [broad-permission-action]\n')), ['public-invoke-principal']);
    assert.deepStrictEqual(ids(perm('    Metadata:\n      cfn_nag:\n        rules_to_suppress:\n          - id: F13\n            reason: demo\n          - id: W24\n            reason: demo\n')), []);
    const s3 = S3_YAML.replace('      SourceAccount: !Ref AWS::AccountId\n', '').replace('  UploadsPermission:\n    Type: AWS::Lambda::Permission\n', '  UploadsPermission:\n    Type: AWS::Lambda::Permission\n    Metadata:\n      cfn-lint:\n        config:\n          ignore_checks: [W3663]\n');
    assert.ok(!analyze({ 'template.yaml': s3 }).some((f) => f.ruleId === 'missing-source-account'));
    assert.ok(analyze({ 'template.yaml': S3_YAML.replace('      SourceAccount: !Ref AWS::AccountId\n', '') }).some((f) => f.ruleId === 'missing-source-account'));
  });
});

describe('CloudFormation and SAM templates: recognised by content', function () {
  before(ready);
  const none = (name: string, text: string): void => {
    const f = makeSourceFile(name, text);
    assert.notStrictEqual(f.kind, 'cfn', name);
    assert.deepStrictEqual(analyze({ [name]: text }).map((x) => x.ruleId), [], name);
  };
  it('other YAML and JSON stay ignored silently (CI, Kubernetes, docker-compose, serverless.yml, package.json)', () => {
    none('.github/workflows/ci.yml', 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n');
    none('deploy.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  replicas: 1\n');
    none('docker-compose.yml', 'services:\n  web:\n    image: nginx\n');
    none('serverless.yml', 'service: x\nresources:\n  Resources:\n    P:\n      Type: AWS::Lambda::Permission\n      Properties:\n        Principal: "*"\n');
    none('package.json', '{"name": "x", "version": "1.0.0"}');
    none('broken.yaml', 'a: [\n');
  });
  it('templates: AWSTemplateFormatVersion, the SAM Transform, typed Resources; .yaml, .yml, .json, .template', () => {
    assert.strictEqual(makeSourceFile('a.yaml', 'AWSTemplateFormatVersion: "2010-09-09"\nResources: {}\n').kind, 'cfn');
    assert.strictEqual(makeSourceFile('a.yml', 'Transform: AWS::Serverless-2016-10-31\nResources: {}\n').kind, 'cfn');
    assert.strictEqual(makeSourceFile('a.template', '{"Resources": {"F": {"Type": "AWS::Lambda::Function"}}}').kind, 'cfn');
    assert.strictEqual(makeSourceFile('a.json', '{"Resources": {"F": {"Type": "AWS::Lambda::Function"}}}').kind, 'cfn');
  });
  it('a template with a YAML syntax error: one parse-error at the first error', () => {
    const text = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  P:\n    Type: AWS::Lambda::Permission\n    Properties: [\n';
    const fs = analyze({ 'template.yaml': text });
    assert.deepStrictEqual(fs.map((f) => f.ruleId), ['parse-error']);
    assert.match(fs[0].message, /^YAML: /);
  });
});

describe('CloudFormation and SAM templates: OpenAPI files included by DefinitionUri / AWS::Include', function () {
  before(ready);
  const API = `openapi: 3.0.1
paths:
  /orders:
    post:
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: POST
        uri:
          Fn::Sub: arn:aws:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${Orders.Arn}/invocations
`;
  const tpl = (def: string): string => `Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
${def}`;
  for (const [name, def] of [
    ['DefinitionUri', '      DefinitionUri: ./api/openapi.yaml\n'],
    ['AWS::Include', "      DefinitionBody:\n        Fn::Transform:\n          Name: AWS::Include\n          Parameters:\n            Location: 'api/openapi.yaml'\n"],
  ]) it(`${name}: the integration in the included file with no permission is reported on its uri there; the fix goes into the template`, () => {
    const files = { 'template.yaml': tpl(def), 'api/openapi.yaml': API };
    const fs = only(analyze(files), 'missing-invoke-permission');
    assert.deepStrictEqual(fs.map((f) => [f.file, rangeOf(f), coveredText(API, f)]), [['api/openapi.yaml', [8, 10, 8, 111], 'Fn::Sub: arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Orders.Arn}/invocations']]);
    assert.match(fs[0].message, /^No permission lets API Gateway AWS::Serverless::Api Api invoke AWS::Serverless::Function Orders:/);
    const fix = fs[0].fixes.find((x) => x.preferred)!;
    assert.deepStrictEqual(fix.edits.map((e) => e.file), ['template.yaml']);
    const out = applyFix(files, fix);
    assert.deepStrictEqual(only(analyze(out), 'missing-invoke-permission'), []);
    assert.ok(out['template.yaml'].startsWith(tpl(def).replace(/\n$/, '')));
  });
});

describe('CloudFormation and SAM templates: Conditions', function () {
  before(ready);
  const tpl = (permCond: string, trigCond: string): string => `Conditions:
  IsProd: !Equals [!Ref AWS::AccountId, "123456789012"]
  IsDev: !Equals [!Ref AWS::AccountId, "210987654321"]
Resources:
  Orders:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
  Topic:
    Type: AWS::SNS::Topic
${trigCond}    Properties:
      Subscription:
        - Protocol: lambda
          Endpoint: !GetAtt Orders.Arn
  Perm:
    Type: AWS::Lambda::Permission
${permCond}    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref Orders
      Principal: sns.amazonaws.com
      SourceArn: !Ref Topic
`;
  const outage = (t: string): string[] => only(analyze({ 'template.yaml': t }), 'missing-invoke-permission').map((f) => f.message);
  it('an unconditional trigger whose only permission is conditional is missing-invoke-permission, naming the condition', () => {
    assert.deepStrictEqual(outage(tpl('    Condition: IsProd\n', '')), [
      'No permission lets SNS topic AWS::SNS::Topic Topic invoke AWS::Lambda::Function Orders: messages published to AWS::SNS::Topic Topic will not be delivered to the function. No AWS::Lambda::Permission grants sns.amazonaws.com whenever it exists (AWS::Lambda::Permission Perm exists only under condition IsProd).',
    ]);
  });
  it('the same condition on both, or none on the permission: covered; another condition: missing', () => {
    assert.deepStrictEqual(outage(tpl('    Condition: IsProd\n', '    Condition: IsProd\n')), []);
    assert.deepStrictEqual(outage(tpl('', '    Condition: IsProd\n')), []);
    assert.strictEqual(outage(tpl('    Condition: IsDev\n', '    Condition: IsProd\n')).length, 1);
  });
});

describe('CloudFormation and SAM templates: ALB target groups', function () {
  before(ready);
  it('missing-source-arn on an ELB permission offers the ARN format as a suggestion, never a reference to the target group (a cycle)', () => {
    const text = `Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
  TargetGroup:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    DependsOn: Perm
    Properties:
      TargetType: lambda
      Targets:
        - Id: !GetAtt Fn.Arn
  Perm:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !GetAtt Fn.Arn
      Principal: elasticloadbalancing.amazonaws.com
`;
    const fs = analyze({ 'template.yaml': text });
    assert.deepStrictEqual(fs.map((f) => [f.ruleId, coveredText(text, f)]), [['missing-source-arn', 'elasticloadbalancing.amazonaws.com']]);
    assert.deepStrictEqual(fs[0].fixes.map((x) => [x.title, x.preferred]), [['Add SourceArn: the target group ARN format', false], ['Ignore missing-source-arn for this resource', false]]);
    assert.strictEqual(applyFix({ 'template.yaml': text }, fs[0].fixes[0])['template.yaml'], text + '      SourceArn: !Sub "arn:${AWS::Partition}:elasticloadbalancing:${AWS::Region}:${AWS::AccountId}:targetgroup/TARGET-GROUP-NAME/TARGET-GROUP-ID"\n');
  });
});

describe('CloudFormation and SAM templates: where findings go', function () {
  before(ready);
  it('function-url-missing-invoke-function on the AWS::Lambda::Url AuthType; credentials-role-cannot-invoke on the integration Credentials', () => {
    const text = `Resources:
  Orders:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
  OrdersUrl:
    Type: AWS::Lambda::Url
    Properties:
      TargetFunctionArn: !GetAtt Orders.Arn
      AuthType: NONE
  UrlPermission:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunctionUrl
      FunctionName: !Ref Orders
      Principal: "*"
      FunctionUrlAuthType: NONE
  Api:
    Type: AWS::ApiGateway::RestApi
  ApiRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: apigateway.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: invoke
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: lambda:InvokeFunction
                Resource: !GetAtt Other.Arn
  Other:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
  Method:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: GET
      Integration:
        Type: AWS_PROXY
        Credentials: !GetAtt ApiRole.Arn
        Uri: !Sub arn:\${AWS::Partition}:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${Orders.Arn}/invocations
`;
    const fs = analyze({ 'template.yaml': text }).filter((f) => f.severity === 'error');
    assert.deepStrictEqual(fs.map((f) => [f.ruleId, rangeOf(f), coveredText(text, f)]), [
      ['function-url-missing-invoke-function', [9, 16, 9, 20], 'NONE'],
      ['credentials-role-cannot-invoke', [46, 21, 46, 40], '!GetAtt ApiRole.Arn'],
    ]);
    assert.match(fs[1].message, /uses the credentials role AWS::IAM::Role ApiRole, whose policies do not allow lambda:InvokeFunction on AWS::Lambda::Function Orders/);
    // the companion grant, copied from the URL permission in the template's style
    const fix = fs[0].fixes.find((x) => x.preferred)!;
    assert.strictEqual(fix.title, 'Add the companion lambda:InvokeFunction permission (InvokedViaFunctionUrl: true)');
    const out = applyFix({ 'template.yaml': text }, fix)['template.yaml'];
    assert.strictEqual(out, text.replace('      FunctionUrlAuthType: NONE\n', `      FunctionUrlAuthType: NONE
  UrlPermissionInvokeFunction:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref Orders
      Principal: "*"
      InvokedViaFunctionUrl: true
`));
    assert.deepStrictEqual(only(analyze({ 'template.yaml': out }), 'function-url-missing-invoke-function'), []);
    // the credentials role gets the statement, in the list's style
    const cfix = fs[1].fixes.find((x) => x.preferred)!;
    assert.strictEqual(cfix.title, "Allow lambda:InvokeFunction on !GetAtt Orders.Arn in AWS::IAM::Role ApiRole's policy");
    const out2 = applyFix({ 'template.yaml': text }, cfix)['template.yaml'];
    assert.strictEqual(out2, text.replace('                Resource: !GetAtt Other.Arn\n', '                Resource: !GetAtt Other.Arn\n              - Effect: Allow\n                Action: lambda:InvokeFunction\n                Resource: !GetAtt Orders.Arn\n'));
    assert.deepStrictEqual(only(analyze({ 'template.yaml': out2 }), 'credentials-role-cannot-invoke'), []);
    // JSON: the statement joins the array
    const json = JSON.stringify(plain(parseTemplate(text, 'yaml').root!), null, 2) + '\n';
    const jf = only(analyze({ 'template.json': json }), 'credentials-role-cannot-invoke');
    assert.strictEqual(jf.length, 1);
    const jout = applyFix({ 'template.json': json }, jf[0].fixes.find((x) => x.preferred)!)['template.json'];
    assert.ok(jout.includes('{"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": {"Fn::GetAtt": ["Orders", "Arn"]}}'), jout);
    JSON.parse(jout);
    assert.deepStrictEqual(only(analyze({ 'template.json': jout }), 'credentials-role-cannot-invoke'), []);
  });
});

describe('CloudFormation and SAM templates: hostile input', function () {
  this.timeout(30000);
  before(ready);
  it('absurd nesting, aliases, malformed intrinsics, self references: a clear parse-error or nothing, never a crash', () => {
    const head = 'AWSTemplateFormatVersion: x\nResources:\n';
    const ids = (t: string): string[] => analyze({ 'template.yaml': t }).map((f) => `${f.ruleId}: ${f.message}`);
    assert.deepStrictEqual(ids(head + '  A:\n    Type: AWS::Lambda::Permission\n    Properties: ' + '['.repeat(5000) + ']'.repeat(5000) + '\n'), ['parse-error: nested deeper than 500 levels: not analysed']);
    assert.deepStrictEqual(ids(head + Array.from({ length: 3000 }, (_, i) => ' '.repeat(2 * i + 2) + 'k:').join('\n') + ' 1\n'), ['parse-error: YAML: nested too deeply to be read']);
    assert.deepStrictEqual(ids('AWSTemplateFormatVersion: x\na: &a [x, x]\nb: &b [*a, *a, *a]\nResources:\n  P: {Type: AWS::Lambda::Permission, Properties: {Principal: *b}}\n'), []);
    assert.deepStrictEqual(ids(head + '  P:\n    Type: AWS::Lambda::Permission\n    Properties:\n      FunctionName: !GetAtt\n      Principal: !Sub [1, 2, 3]\n      SourceArn: !Join [a]\n      Action: !Select [x, y]\n      X: !Unknown foo\n'), []);
    assert.deepStrictEqual(ids(head + '  P:\n    Type: AWS::Lambda::Permission\n    Properties:\n      FunctionName: !Sub "${P}"\n      Principal: !Ref P\n'), []);
  });
});

describe('CloudFormation and SAM templates: each template is its own stack', function () {
  before(ready);
  it('two templates of one folder with the same logical ids do not see each other (the permission of one does not cover the trigger of the other)', () => {
    const fn = 'Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Handler: index.handler\n';
    const a = fn + '  Perm:\n    Type: AWS::Lambda::Permission\n    Properties:\n      Action: lambda:InvokeFunction\n      FunctionName: !Ref Fn\n      Principal: sns.amazonaws.com\n      SourceArn: !Ref Topic\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      Subscription:\n        - Protocol: lambda\n          Endpoint: !GetAtt Fn.Arn\n';
    const b = fn + '  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      Subscription:\n        - Protocol: lambda\n          Endpoint: !GetAtt Fn.Arn\n';
    const fs = analyze({ 'a.yaml': a, 'b.yaml': b, 'main.tf': 'resource "aws_lambda_function" "Fn" {\n  function_name = "x"\n}\n' });
    assert.deepStrictEqual(fs.map((f) => [f.file, f.ruleId]), [['b.yaml', 'missing-invoke-permission']]);
  });
});

describe('CloudFormation and SAM templates: triggers', function () {
  before(ready);
  const TEXT = `Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
  Rule:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: rate(1 hour)
      Targets:
        - Id: fn
          Arn: !GetAtt Fn.Arn
  RulePerm:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref Fn
      Principal: events.amazonaws.com
      SourceArn: !GetAtt Rule.Arn
  Logs:
    Type: AWS::Logs::LogGroup
  Filter:
    Type: AWS::Logs::SubscriptionFilter
    Properties:
      LogGroupName: !Ref Logs
      FilterPattern: ""
      DestinationArn: !GetAtt Fn.Arn
  LogsPerm:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref Fn
      Principal: !Sub logs.\${AWS::Region}.amazonaws.com
      SourceArn: !GetAtt Logs.Arn
  Pool:
    Type: AWS::Cognito::UserPool
    Properties:
      LambdaConfig:
        PreSignUp: !GetAtt Fn.Arn
  IotRule:
    Type: AWS::IoT::TopicRule
    Properties:
      TopicRulePayload:
        Sql: SELECT * FROM 'x'
        Actions:
          - Lambda:
              FunctionArn: !GetAtt Fn.Arn
  IotPerm:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !GetAtt Fn.Arn
      Principal: iot.amazonaws.com
      SourceArn: !GetAtt IotRule.Arn
      SourceAccount: !Ref AWS::AccountId
  Tg:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties:
      TargetType: lambda
      Targets:
        - Id: !GetAtt Fn.Arn
`;
  it('EventBridge targets, a Logs filter with a regional principal and an IoT rule are covered; the Cognito trigger and the ELB target group are not', () => {
    const fs = analyze({ 'template.yaml': TEXT }).filter((f) => f.ruleId !== 'missing-source-arn');
    assert.deepStrictEqual(fs.map((f) => [f.ruleId, rangeOf(f), coveredText(TEXT, f)]), [
      ['missing-invoke-permission', [38, 19, 38, 33], '!GetAtt Fn.Arn'],
      ['missing-invoke-permission', [60, 14, 60, 28], '!GetAtt Fn.Arn'],
    ]);
    assert.match(fs[0].message, /: the PreSignUp trigger of AWS::Cognito::UserPool Pool will fail\. No AWS::Lambda::Permission grants cognito-idp\.amazonaws\.com\.$/);
    assert.deepStrictEqual(fs[0].fixes.map((x) => [x.title, x.preferred]), [['Add AWS::Lambda::Permission FnCognitoPermission for cognito-idp.amazonaws.com', true], ['Ignore missing-invoke-permission for this resource', false]]);
    const out = applyFix({ 'template.yaml': TEXT }, fs[0].fixes[0])['template.yaml'];
    assert.ok(out.includes(`  FnCognitoPermission:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref Fn
      Principal: cognito-idp.amazonaws.com
      SourceArn: !GetAtt Pool.Arn
`), out);
    assert.deepStrictEqual(only(analyze({ 'template.yaml': out }), 'missing-invoke-permission').map((f) => f.message.slice(0, 49)), ['No permission lets Target group AWS::ElasticLoadB']);
    // the ELB permission is a suggestion (its SourceArn cannot name the target group: a cycle)
    assert.strictEqual(fs[1].fixes[0].preferred, false);
  });
});

describe('CloudFormation and SAM templates: SAM Policies', function () {
  before(ready);
  it('statements in a SAM function Policies are read (lambda:* reported); policy templates and managed policy names are a named scope (not reported)', () => {
    const text = `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      Policies:
        - AWSLambdaBasicExecutionRole
        - LambdaInvokePolicy:
            FunctionName: "*"
        - Statement:
            - Effect: Allow
              Action: lambda:*
              Resource: !GetAtt Other.Arn
  Other:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
`;
    const fs = analyze({ 'template.yaml': text });
    assert.deepStrictEqual(fs.map((f) => [f.ruleId, rangeOf(f), coveredText(text, f)]), [['wildcard-lambda-action', [13, 22, 13, 30], 'lambda:*']]);
    assert.deepStrictEqual(fs[0].fixes.map((x) => x.title), ['Replace with lambda:InvokeFunction', 'Ignore wildcard-lambda-action for this resource']);
    assert.strictEqual(applyFix({ 'template.yaml': text }, fs[0].fixes[0])['template.yaml'], text.replace('Action: lambda:*', 'Action: lambda:InvokeFunction'));
  });
});
