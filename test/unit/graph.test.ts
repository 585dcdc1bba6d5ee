import * as fs from 'fs';
import * as path from 'path';
import { analyze, assert, only, ready } from './helpers';
import { makeSourceFile } from '../../server/src/core/source';
import { graphOfFiles, summaryText, type GraphLocation, type WiringGraph } from '../../server/src/core/graph';
import { toDot, toMermaid, toText } from '../../server/src/core/graph-render';
import { ALIAS, FN, LOGS, REST, S3, perm, restIntegration } from './rules/outage-fixtures';
import { analyzeModule } from '../../server/src/core/analyze';
import { graphOf } from '../../server/src/core/graph';
import { wiringOf } from '../../server/src/core/model/wiring';
import type { Facts } from '../../server/src/core/model/facts';
import { FIXTURES, MUTATIONS, loadFolders, mutate, rng } from './robustness/fuzzlib';

const EXAMPLES = path.resolve(__dirname, '../../examples');
const API = 'aws_api_gateway_rest_api.api';
const loc = (l1: number, c1: number, l2: number, c2: number, file = 'main.tf'): GraphLocation => ({ file, range: { start: { line: l1, character: c1 }, end: { line: l2, character: c2 } } });
const graph = (text: string): WiringGraph => graphOfFiles([makeSourceFile('main.tf', text)]);

const ORDERS = { id: 'aws_lambda_function.orders', name: 'orders', location: loc(0, 0, 0, 39) };
const POST = {
  id: 'aws_api_gateway_integration.post', kind: 'rest-integration', service: 'API Gateway', principal: 'apigateway.amazonaws.com',
  label: 'POST /orders', resource: 'aws_api_gateway_integration.post', invoker: 'aws_api_gateway_rest_api.api',
};
const POST_AT = { effect: 'every request to POST /orders will fail with 500', location: loc(23, 0, 23, 45), reference: loc(29, 28, 29, 65) };
const PERM_API = { id: 'aws_lambda_permission.api', function: 'aws_lambda_function.orders', principal: 'apigateway.amazonaws.com', location: loc(31, 0, 31, 38) };

describe('wiring graph (core/graph.ts)', () => {
  before(ready);

  it('examples/: exact JSON (four functions: one permitted by two permissions, two outages, one without trigger)', () => {
    const files = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.tf')).sort().map((f) => makeSourceFile(f, fs.readFileSync(path.join(EXAMPLES, f), 'utf8')));
    const g = graphOfFiles(files);
    const expected = JSON.parse(fs.readFileSync(path.join(__dirname, 'graph-examples.expected.json'), 'utf8'));
    assert.deepStrictEqual(JSON.parse(JSON.stringify(g)), expected);
    assert.deepStrictEqual(g.functions.map((f) => `${f.id}: ${summaryText(f.summary)}`), [
      'aws_lambda_function.orders: 1 trigger · all permitted',
      'aws_lambda_function.admin: 1 trigger · 1 cannot invoke',
      'aws_lambda_function.report: 1 trigger · 1 cannot invoke',
      'aws_lambda_function.webhook: no triggers in this folder',
    ]);
  });

  it('missing permission: cannot invoke, missing-invoke-permission', () => {
    assert.deepStrictEqual(graph(FN + REST + restIntegration()), {
      functions: [{ ...ORDERS, summary: { triggers: 1, permitted: 0, cannotInvoke: 1, undecided: 0 }, triggers: [{
        ...POST, verdict: 'cannot-invoke', rule: 'missing-invoke-permission', reason: 'no aws_lambda_permission grants apigateway.amazonaws.com', permissions: [], ...POST_AT,
      }] }],
      permissions: [],
    });
  });

  it('covered: permitted by the permission, which serves the trigger', () => {
    assert.deepStrictEqual(graph(FN + REST + restIntegration() + perm('api', 'apigateway.amazonaws.com', `"\${${API}.execution_arn}/*/*"`)), {
      functions: [{ ...ORDERS, summary: { triggers: 1, permitted: 1, cannotInvoke: 0, undecided: 0 }, triggers: [{
        ...POST, verdict: 'permitted', reason: 'permitted by aws_lambda_permission.api', permissions: ['aws_lambda_permission.api'], ...POST_AT,
      }] }],
      permissions: [{ ...PERM_API, serves: ['aws_api_gateway_integration.post'], mismatches: [], undecided: [] }],
    });
  });

  it('source_arn mismatch: cannot invoke; the permission was meant for the trigger, with why', () => {
    assert.deepStrictEqual(graph(FN + REST + restIntegration() + perm('api', 'apigateway.amazonaws.com', `${API}.execution_arn`)), {
      functions: [{ ...ORDERS, summary: { triggers: 1, permitted: 0, cannotInvoke: 1, undecided: 0 }, triggers: [{
        ...POST, verdict: 'cannot-invoke', rule: 'source-arn-mismatch', reason: "the source_arn of aws_lambda_permission.api never matches aws_api_gateway_rest_api.api's ARN", permissions: ['aws_lambda_permission.api'], ...POST_AT,
      }] }],
      permissions: [{ ...PERM_API, serves: [], mismatches: [{ trigger: 'aws_api_gateway_integration.post', why: "its source_arn never matches aws_api_gateway_rest_api.api's ARN" }], undecided: [] }],
    });
  });

  it('qualifier mismatch: the trigger invokes an alias, the permission grants the unqualified function', () => {
    const g = graph(FN + ALIAS + REST + restIntegration('aws_lambda_alias.live.invoke_arn') + perm('api', 'apigateway.amazonaws.com', `"\${${API}.execution_arn}/*/*"`));
    assert.deepStrictEqual(g.functions[0].triggers, [{
      ...POST, qualifier: 'alias aws_lambda_alias.live', verdict: 'cannot-invoke', rule: 'qualifier-mismatch',
      reason: 'it invokes alias aws_lambda_alias.live, but aws_lambda_permission.api grants the unqualified function', permissions: ['aws_lambda_permission.api'],
      effect: POST_AT.effect, location: loc(28, 0, 28, 45), reference: loc(34, 28, 34, 60),
    }]);
    assert.deepStrictEqual(g.permissions[0].mismatches, [{ trigger: 'aws_api_gateway_integration.post', why: 'the trigger invokes alias aws_lambda_alias.live, the permission grants the unqualified function' }]);
  });

  it('undecided: a source_arn from a variable cannot be compared (reason names the permission and the open part)', () => {
    const g = graph(FN + REST + restIntegration() + perm('api', 'apigateway.amazonaws.com', 'var.api_arn'));
    assert.deepStrictEqual(g.functions[0].summary, { triggers: 1, permitted: 0, cannotInvoke: 0, undecided: 1 });
    assert.deepStrictEqual(g.functions[0].triggers, [{
      ...POST, verdict: 'undecided', reason: "aws_lambda_permission.api: its source_arn cannot be compared with the invoker's ARN", permissions: ['aws_lambda_permission.api'], ...POST_AT,
    }]);
    assert.deepStrictEqual(g.permissions, [{ ...PERM_API, serves: [], mismatches: [], undecided: [{ trigger: 'aws_api_gateway_integration.post', why: "its source_arn cannot be compared with the invoker's ARN" }] }]);
    assert.strictEqual(summaryText(g.functions[0].summary), '1 trigger · 1 undecided');
  });

  it('undecided: a module handed the function may grant the permission', () => {
    const g = graph(FN + LOGS + 'module "perms" {\n  source   = "./perms"\n  function = aws_lambda_function.orders.arn\n}\n');
    assert.deepStrictEqual(g.functions[0].triggers, [{
      id: 'aws_cloudwatch_log_subscription_filter.app', kind: 'logs', service: 'CloudWatch Logs log group', principal: 'logs.amazonaws.com',
      label: 'aws_cloudwatch_log_group.app', resource: 'aws_cloudwatch_log_subscription_filter.app', invoker: 'aws_cloudwatch_log_group.app',
      verdict: 'undecided', reason: 'module "perms" is handed the function and may grant the permission', permissions: [],
      effect: 'log events of aws_cloudwatch_log_group.app will not be delivered to the function', location: loc(11, 0, 11, 55), reference: loc(15, 20, 15, 50),
    }]);
  });

  it('two triggers of one function: S3 permitted, Logs cannot invoke (ordered by position)', () => {
    const g = graph(FN + S3 + LOGS + perm('s3', 's3.amazonaws.com', 'aws_s3_bucket.uploads.arn'));
    assert.strictEqual(summaryText(g.functions[0].summary), '2 triggers · 1 cannot invoke');
    assert.deepStrictEqual(g.functions[0].triggers.map((t) => [t.id, t.label, t.verdict, t.reason]), [
      ['aws_s3_bucket_notification.uploads', 's3:ObjectCreated:* on aws_s3_bucket.uploads', 'permitted', 'permitted by aws_lambda_permission.s3'],
      ['aws_cloudwatch_log_subscription_filter.app', 'aws_cloudwatch_log_group.app', 'cannot-invoke', 'no aws_lambda_permission grants logs.amazonaws.com'],
    ]);
  });

  it('credentials role: verdict of credentials-role-cannot-invoke (role without lambda:InvokeFunction)', () => {
    const role = `resource "aws_iam_role" "apigw" {
  name = "apigw"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "apigateway.amazonaws.com" } }]
  })
}
resource "aws_iam_role_policy" "apigw" {
  role = aws_iam_role.apigw.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "lambda:InvokeFunction", Resource = ARN }]
  })
}
`;
    const cannot = graph(FN + REST + restIntegration('aws_lambda_function.orders.invoke_arn', '\n  credentials             = aws_iam_role.apigw.arn') + role.replace('ARN', '"arn:aws:lambda:eu-west-1:123456789012:function:billing"')).functions[0].triggers[0];
    assert.deepStrictEqual([cannot.verdict, cannot.rule, cannot.role, cannot.reason], ['cannot-invoke', 'credentials-role-cannot-invoke', 'aws_iam_role.apigw', 'it uses the credentials role aws_iam_role.apigw, whose policies do not allow lambda:InvokeFunction on aws_lambda_function.orders']);
    const ok = graph(FN + REST + restIntegration('aws_lambda_function.orders.invoke_arn', '\n  credentials             = aws_iam_role.apigw.arn') + role.replace('ARN', 'aws_lambda_function.orders.arn')).functions[0].triggers[0];
    assert.deepStrictEqual([ok.verdict, ok.rule, ok.role, ok.reason, ok.permissions], ['permitted', undefined, 'aws_iam_role.apigw', 'permitted by the credentials role aws_iam_role.apigw', []]);
  });

  it('cannot-invoke triggers are exactly the outage findings (one source of truth)', () => {
    for (const text of [FN + REST + restIntegration(), FN + S3 + LOGS + perm('s3', 's3.amazonaws.com', 'aws_s3_bucket.uploads.arn'), FN + S3 + LOGS]) {
      const g = graph(text);
      const missing = only(analyze({ 'main.tf': text }), 'missing-invoke-permission').map((f) => JSON.stringify(f.range));
      const fromGraph = g.functions.flatMap((f) => f.triggers).filter((t) => t.rule === 'missing-invoke-permission').map((t) => JSON.stringify(t.reference.range));
      assert.deepStrictEqual(fromGraph, missing);
    }
  });

  it('a SAM template (real corpus): its own stack, in CloudFormation terms, at the template\'s positions', () => {
    const dir = path.resolve(__dirname, '../../../shared/corpus/cfn/aws-samples__serverless-patterns/alb-lambda-rest-api-sam-py');
    const g = graphOfFiles([makeSourceFile('template.yaml', fs.readFileSync(path.join(dir, 'template.yaml'), 'utf8'))]);
    assert.deepStrictEqual(g.functions.map((f) => [f.id, f.location.file, f.location.range.start.line, summaryText(f.summary)]), [
      ['AWS::Serverless::Function AlbLambdaRestApiSamPyFunction', 'template.yaml', 31, '1 trigger · all permitted'],
    ]);
    const t = g.functions[0].triggers[0];
    assert.deepStrictEqual([t.kind, t.label, t.verdict, t.reason, t.permissions, t.location.range.start.line], [
      'alb', 'AWS::ElasticLoadBalancingV2::TargetGroup AlbLambdaRestApiSamPyFunctionTargetGroup', 'permitted',
      'permitted by AWS::Lambda::Permission AlbLambdaRestApiSamPyFunctionPermission', ['AWS::Lambda::Permission AlbLambdaRestApiSamPyFunctionPermission'], 72,
    ]);
    assert.deepStrictEqual(g.permissions.map((p) => [p.id, p.function, p.serves]), [
      ['AWS::Lambda::Permission AlbLambdaRestApiSamPyFunctionPermission', 'AWS::Serverless::Function AlbLambdaRestApiSamPyFunction', [t.id]],
    ]);
  });

  it('trigger ids stay unique when one resource holds several triggers', () => {
    const text = FN + FN.replace(/orders/g, 'billing') + `resource "aws_cognito_user_pool" "pool" {
  name = "users"
  lambda_config {
    pre_sign_up       = aws_lambda_function.orders.arn
    post_confirmation = aws_lambda_function.billing.arn
  }
}
`;
    const g = graph(text);
    assert.deepStrictEqual(g.functions.map((f) => f.triggers.map((t) => [t.id, t.label])), [
      [['aws_cognito_user_pool.pool.pre_sign_up', 'pre_sign_up of aws_cognito_user_pool.pool']],
      [['aws_cognito_user_pool.pool.post_confirmation', 'post_confirmation of aws_cognito_user_pool.pool']],
    ]);
  });

  it('renders Mermaid (outages red, undecided dashed), DOT and text', () => {
    const g = graph(FN + S3 + LOGS + REST + restIntegration() + perm('s3', 's3.amazonaws.com', 'aws_s3_bucket.uploads.arn') + perm('api', 'apigateway.amazonaws.com', 'var.api_arn'));
    assert.strictEqual(toMermaid([{ dir: 'svc', graph: g }]), [
      'flowchart LR',
      '  f0_0["λ aws_lambda_function.orders"]',
      '  f0_0_t0("S3 bucket: s3:ObjectCreated:* on aws_s3_bucket.uploads")',
      '  f0_0_t0 -->|"aws_lambda_permission.s3"| f0_0',
      '  f0_0_t1("CloudWatch Logs log group: aws_cloudwatch_log_group.app")',
      '  f0_0_t1 -->|"no permission"| f0_0',
      '  f0_0_t2("API Gateway: POST /orders")',
      '  f0_0_t2 -.->|"undecided"| f0_0',
      '  classDef outage stroke:#d1242f,stroke-width:2px,color:#d1242f',
      '  class f0_0_t1 outage',
      '  linkStyle 1 stroke:#d1242f,stroke-width:2px,color:#d1242f',
      '  classDef undecided stroke-dasharray:5 5',
      '  class f0_0_t2 undecided',
      '',
    ].join('\n'));
    const dot = toDot([{ dir: 'svc', graph: g }]);
    assert.ok(dot.includes('f0_0_t1 -> f0_0 [label="no permission", color="#d1242f", fontcolor="#d1242f"];'), dot);
    assert.ok(dot.includes('f0_0_t2 -> f0_0 [label="undecided", style=dashed];'), dot);
    assert.ok(dot.includes('f0_0_t2 [label="API Gateway\\nPOST /orders", style="rounded,dashed"];'), dot);
    assert.ok(dot.includes('f0_0_t1 [label="CloudWatch Logs log group\\naws_cloudwatch_log_group.app", style="rounded", color="#d1242f", fontcolor="#d1242f"];'), dot);
    assert.strictEqual(toText([{ dir: 'svc', graph: g }]).split('\n').slice(0, 4).join('\n'), [
      'svc',
      '  aws_lambda_function.orders  svc/main.tf:1  3 triggers · 1 cannot invoke · 1 undecided',
      '    <- S3 bucket: s3:ObjectCreated:* on aws_s3_bucket.uploads  (aws_s3_bucket_notification.uploads, svc/main.tf:12)',
      '       ok: permitted by aws_lambda_permission.s3',
    ].join('\n'));
  });

  it('several folders: one Mermaid subgraph and one DOT cluster per folder, node ids unique across folders', () => {
    const a = graph(FN + REST + restIntegration());
    const b = graph(FN + S3 + perm('s3', 's3.amazonaws.com', 'aws_s3_bucket.uploads.arn'));
    assert.strictEqual(toMermaid([{ dir: 'svc/a', graph: a }, { dir: 'svc/b', graph: b }]), [
      'flowchart LR',
      '  subgraph m0["svc/a"]',
      '    f0_0["λ aws_lambda_function.orders"]',
      '    f0_0_t0("API Gateway: POST /orders")',
      '    f0_0_t0 -->|"no permission"| f0_0',
      '  end',
      '  subgraph m1["svc/b"]',
      '    f1_0["λ aws_lambda_function.orders"]',
      '    f1_0_t0("S3 bucket: s3:ObjectCreated:* on aws_s3_bucket.uploads")',
      '    f1_0_t0 -->|"aws_lambda_permission.s3"| f1_0',
      '  end',
      '  classDef outage stroke:#d1242f,stroke-width:2px,color:#d1242f',
      '  class f0_0_t0 outage',
      '  linkStyle 0 stroke:#d1242f,stroke-width:2px,color:#d1242f',
      '',
    ].join('\n'));
    const dot = toDot([{ dir: 'svc/a', graph: a }, { dir: 'svc/b', graph: b }]);
    assert.ok(dot.includes('  subgraph cluster_0 {\n    label="svc/a";') && dot.includes('  subgraph cluster_1 {\n    label="svc/b";'), dot);
  });

  it('Mermaid labels escape quotes and angle brackets', () => {
    const g = graph(FN.replace('"orders" {', '"orders" {') + S3.replace('"s3:ObjectCreated:*"', '"s3:\\"x\\"<b>"'));
    assert.ok(toMermaid([{ dir: '.', graph: g }]).includes('("S3 bucket: s3:#quot;x#quot;#lt;b#gt; on aws_s3_bucket.uploads")'));
  });

  it('real corpus: a graph for every folder, from the facts the analysis computed; every trigger of the wiring index, no outage (as the outage rules), every undecided one with its reason', function () {
    this.timeout(120000);
    const REAL = path.resolve(__dirname, '../../../shared/corpus/real');
    const EXT = /\.(tf|tf\.json|tfvars|json|tpl|tftpl)$/;
    const dirs: { dir: string; files: string[] }[] = [];
    const walk = (d: string): void => {
      const entries = fs.readdirSync(d, { withFileTypes: true });
      const files = entries.filter((e) => e.isFile() && EXT.test(e.name)).map((e) => e.name).sort();
      if (files.some((f) => f.endsWith('.tf') || f.endsWith('.tf.json'))) dirs.push({ dir: d, files });
      for (const e of entries) if (e.isDirectory()) walk(path.join(d, e.name));
    };
    walk(REAL);
    assert.ok(dirs.length > 100, String(dirs.length));
    let functions = 0, triggers = 0, cannot = 0;
    const undecided: string[] = [];
    for (const m of dirs) {
      const sfs = m.files.map((f) => makeSourceFile(f, fs.readFileSync(path.join(m.dir, f), 'utf8')));
      let facts: Facts | undefined;
      analyzeModule(sfs, { onFacts: (f) => { facts = f; } });
      const g = graphOf(facts!);
      assert.strictEqual(g.functions.length, facts!.module.ofType('aws_lambda_function').length);
      const ts = g.functions.flatMap((f) => f.triggers);
      assert.strictEqual(ts.length, wiringOf(facts!).triggers.filter((t) => t.fn.k === 'fn').length, m.dir);
      functions += g.functions.length;
      triggers += ts.length;
      cannot += ts.filter((t) => t.verdict === 'cannot-invoke').length;
      for (const t of ts) if (t.verdict === 'undecided') { assert.ok(t.reason.length > 10, t.reason); undecided.push(`${path.relative(REAL, m.dir)} ${t.id}`); }
    }
    assert.ok(functions > 100 && triggers > 40, `${functions} functions, ${triggers} triggers`);
    assert.strictEqual(cannot, 0);
    assert.ok(undecided.length < triggers / 10, undecided.join('\n'));
  });

  it('fuzz (fixed seed, 300 mutated folders of the corpus and fixtures): the graph never throws and every location lies inside its file', function () {
    this.timeout(300000);
    const folders = [...FIXTURES, ...loadFolders()].filter((f) => f.files.some((x) => /aws_lambda_function/.test(x.text)));
    assert.ok(folders.length > 20, String(folders.length));
    const r = rng(20261130);
    const problems: string[] = [];
    for (let i = 0; i < 300; i++) {
      const folder = folders[Math.floor(r() * folders.length)];
      const k = Math.floor(r() * folder.files.length);
      const kind = MUTATIONS[Math.floor(r() * MUTATIONS.length)];
      const files = folder.files.map((f, j) => makeSourceFile(f.path, j === k ? mutate(f.text, kind, r) : f.text));
      let g: WiringGraph;
      try { g = graphOfFiles(files); } catch (e) { problems.push(`${folder.name} ${kind}: threw ${(e as Error).stack}`); continue; }
      const locs: GraphLocation[] = [...g.functions.flatMap((f) => [f.location, ...f.triggers.flatMap((t) => [t.location, t.reference])]), ...g.permissions.map((p) => p.location)];
      for (const l of locs) {
        const f = files.find((x) => x.path === l.file);
        const lines = f ? f.text.split(/\r\n|\r|\n/) : [];
        const ok = (p: { line: number; character: number }) => p.line < lines.length && p.character <= lines[p.line].length;
        if (!f || !ok(l.range.start) || !ok(l.range.end)) problems.push(`${folder.name} ${kind}: location outside its file: ${JSON.stringify(l)}`);
      }
      JSON.stringify(g);
    }
    assert.deepStrictEqual(problems.slice(0, 3), []);
  });
});

