/**
 * The Terraform plan front-end (core/frontends/plan) and its scan (scan/planscan.ts): hand-built plan
 * fixtures under test/fixtures/plans (written from Terraform's "JSON Output Format" page by
 * make.ts, with the `.tf` sources beside three of them) and the real plans of ../shared/corpus/plans.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { assert, ready, rangeOf, coveredText, analyze } from '../helpers';
import { scanPlanText } from '../../../server/src/scan/planscan';
import { scan } from '../../../server/src/scan';
import { isPlanJson, readPlan } from '../../../server/src/core/frontends/plan/read';
import { analyzePlan } from '../../../server/src/core/frontends/plan';
import type { Finding } from '../../../server/src/core/types';

const FIX = path.resolve(__dirname, '../../fixtures/plans');
const PLANS = path.resolve(__dirname, '../../../../shared/corpus/plans');

interface Scanned { findings: Finding[]; ruleErrors: string[]; root: string }

/** Scans `<root>/<rel>` as `lpg scan` does (paths relative to the plan's folder), optionally with another root module folder. */
async function scanPlan(planFile: string, planRoot?: string): Promise<Scanned> {
  const root = planRoot ?? path.dirname(planFile);
  const ruleErrors: string[] = [];
  const r = await scanPlanText(root, planFile, fs.readFileSync(planFile, 'utf8'), planRoot, { onRuleError: (id, e) => ruleErrors.push(`${id}: ${String(e)}`) });
  return { findings: r.findings, ruleErrors, root };
}

/** `[ruleId, file, [l, c, l, c], message]` of each finding. */
const brief = (fs_: Finding[]): [string, string, number[], string][] => fs_.map((f) => [f.ruleId, f.file, rangeOf(f), f.message]);
const textAt = (root: string, f: Finding): string => coveredText(fs.readFileSync(path.join(root, f.file), 'utf8'), f);

describe('Terraform plan JSON', () => {
  before(ready);

  describe('hand-built plans (test/fixtures/plans)', () => {
    it('a trigger and a permission in different modules: the permission in module.fn (source_arn "${var.api_execution_arn}/*/*" bound to module.api\'s output) covers GET, nothing covers POST; reported at the .tf attribute', async () => {
      const r = await scanPlan(path.join(FIX, 'two-modules/plan.json'));
      assert.deepStrictEqual(r.ruleErrors, []);
      assert.deepStrictEqual(brief(r.findings), [
        ['missing-invoke-permission', 'api/main.tf', [42, 28, 42, 48], 'No permission lets API Gateway module.api.aws_api_gateway_rest_api.api invoke create-order: every request to POST /orders will fail with 500. No aws_lambda_permission on module.fn.aws_lambda_function.create grants apigateway.amazonaws.com. (module.api.aws_api_gateway_integration.post)'],
      ]);
      assert.strictEqual(textAt(r.root, r.findings[0]), 'var.other_invoke_arn');
      // at source, the suppression fix is offered (it names no synthetic resource)
      assert.deepStrictEqual(r.findings[0].fixes.map((x) => [x.title, x.edits.map((e) => [e.file, e.range.start.line, e.newText])]), [
        ['Ignore missing-invoke-permission for this block', [['api/main.tf', 36, '# lpg-ignore: missing-invoke-permission -- reason\n']]],
      ]);
    });

    it('the same plan without its .tf sources (--plan-root elsewhere): the finding sits at the integration\'s entry in the plan, with its address, and no fix', async () => {
      const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'lpg-plan-'));
      const plan = path.join(FIX, 'two-modules/plan.json');
      const r = await scanPlan(plan, empty);
      const rel = path.relative(empty, plan).split(path.sep).join('/');
      assert.deepStrictEqual(r.ruleErrors, []);
      // GET is no longer provably covered: without the source, the plan records source_arn only as "module.api.execution_arn followed by something"
      assert.deepStrictEqual(brief(r.findings), [
        ['missing-invoke-permission', rel, [303, 10, 303, 15], 'No permission lets API Gateway module.api.aws_api_gateway_rest_api.api invoke create-order: every request to POST /orders will fail with 500. No aws_lambda_permission on module.fn.aws_lambda_function.create grants apigateway.amazonaws.com. (module.api.aws_api_gateway_integration.post)'],
      ]);
      assert.strictEqual(textAt(empty, r.findings[0]), '"uri"');
      const text = fs.readFileSync(plan, 'utf8');
      const entry = text.indexOf('"address": "module.api.aws_api_gateway_integration.post"', text.indexOf('"resource_changes"'));
      const off = text.split('\n').slice(0, 303).join('\n').length + 1 + 10;
      assert.ok(off > entry && off < text.indexOf('"address"', entry + 10), 'inside the integration\'s resource_changes entry (its after_unknown.uri)');
      assert.deepStrictEqual(r.findings[0].fixes, []);
    });

    it('a registry module\'s internals (no source, no terraform init): its permission without source_arn, at the plan entry, named by its full address', async () => {
      const r = await scanPlan(path.join(FIX, 'registry-module/plan.json'));
      assert.deepStrictEqual(r.ruleErrors, []);
      assert.deepStrictEqual(brief(r.findings), [
        ['missing-source-arn', 'plan.json', [108, 23, 108, 49], 'No source_arn: any API Gateway API in any account can invoke checkout (module.lambda.aws_lambda_permission.current_version_triggers["APIGatewayAny"] on module.lambda.aws_lambda_function.this[0]). It lets apigateway.amazonaws.com invoke the function without naming the invoker (confused deputy).'],
      ]);
      assert.strictEqual(textAt(r.root, r.findings[0]), '"apigateway.amazonaws.com"');
      assert.deepStrictEqual(r.findings[0].fixes, []);
    });

    it('a for_each permission map that leaves one function out: only worker["c"]\'s subscription is reported, at the .tf endpoint shared by the three instances', async () => {
      const r = await scanPlan(path.join(FIX, 'for-each/plan.json'));
      assert.deepStrictEqual(r.ruleErrors, []);
      assert.deepStrictEqual(brief(r.findings), [
        ['missing-invoke-permission', 'main.tf', [17, 14, 17, 54], 'No permission lets SNS topic aws_sns_topic.jobs invoke worker-c: messages published to aws_sns_topic.jobs will not be delivered to the function. No aws_lambda_permission on aws_lambda_function.worker["c"] grants sns.amazonaws.com. (aws_sns_topic_subscription.worker["c"])'],
      ]);
      assert.strictEqual(textAt(r.root, r.findings[0]), 'aws_lambda_function.worker[each.key].arn');
      // the block is shared by three instances: no fix could be right for all of them
      assert.deepStrictEqual(r.findings[0].fixes, []);
    });

    it('a suppression comment in the .tf silences the plan\'s finding there', async () => {
      const d = fs.mkdtempSync(path.join(os.tmpdir(), 'lpg-plan-'));
      fs.cpSync(path.join(FIX, 'for-each'), d, { recursive: true });
      const tf = fs.readFileSync(path.join(d, 'main.tf'), 'utf8');
      fs.writeFileSync(path.join(d, 'main.tf'), tf.replace('resource "aws_sns_topic_subscription"', '# lpg-ignore: missing-invoke-permission -- c is subscribed by hand\nresource "aws_sns_topic_subscription"'));
      assert.deepStrictEqual(brief((await scanPlan(path.join(d, 'plan.json'))).findings), []);
    });

    it('the for_each plan without its source: `aws_lambda_function.worker[each.key].arn` (listed with `each.key`) is bound to each instance; worker["c"] reported at its entry', async () => {
      const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'lpg-plan-'));
      const r = await scanPlan(path.join(FIX, 'for-each/plan.json'), empty);
      assert.deepStrictEqual(r.ruleErrors, []);
      assert.deepStrictEqual(r.findings.map((f) => [f.ruleId, f.message]), [
        ['missing-invoke-permission', 'No permission lets SNS topic aws_sns_topic.jobs invoke worker-c: messages published to aws_sns_topic.jobs will not be delivered to the function. No aws_lambda_permission on aws_lambda_function.worker["c"] grants sns.amazonaws.com. (aws_sns_topic_subscription.worker["c"])'],
      ]);
      assert.strictEqual(textAt(empty, r.findings[0]), '"endpoint"');
    });

    it('a registry module installed by terraform init (.terraform/modules/modules.json): its findings point at the installed .tf', async () => {
      const d = fs.mkdtempSync(path.join(os.tmpdir(), 'lpg-plan-'));
      fs.copyFileSync(path.join(FIX, 'registry-module/plan.json'), path.join(d, 'plan.json'));
      fs.mkdirSync(path.join(d, '.terraform/modules/lambda'), { recursive: true });
      fs.writeFileSync(path.join(d, '.terraform/modules/modules.json'), JSON.stringify({ Modules: [{ Key: '', Source: '', Dir: '.' }, { Key: 'lambda', Source: 'registry.terraform.io/terraform-aws-modules/lambda/aws', Version: '7.2.0', Dir: '.terraform/modules/lambda' }] }));
      fs.writeFileSync(path.join(d, '.terraform/modules/lambda/main.tf'), [
        'resource "aws_lambda_permission" "current_version_triggers" {',
        '  for_each      = var.allowed_triggers',
        '  function_name = aws_lambda_function.this[0].function_name',
        '  statement_id  = each.key',
        '  action        = "lambda:InvokeFunction"',
        '  principal     = try(each.value.principal, format("%s.amazonaws.com", try(each.value.service, "")))',
        '  source_arn    = try(each.value.source_arn, null)',
        '}',
        '',
      ].join('\n'));
      const r = await scanPlan(path.join(d, 'plan.json'));
      assert.deepStrictEqual(brief(r.findings), [
        ['missing-source-arn', '.terraform/modules/lambda/main.tf', [5, 18, 5, 100], 'No source_arn: any API Gateway API in any account can invoke checkout (module.lambda.aws_lambda_permission.current_version_triggers["APIGatewayAny"] on module.lambda.aws_lambda_function.this[0]). It lets apigateway.amazonaws.com invoke the function without naming the invoker (confused deputy).'],
      ]);
      assert.deepStrictEqual(r.findings[0].fixes, [], 'a for_each block: no fix');
    });

    it('a -var-file value that wildcards source_arn: reported at `var.api_source_arn` in the .tf, with the fixes of source analysis', async () => {
      const r = await scanPlan(path.join(FIX, 'var-file/plan.json'));
      assert.deepStrictEqual(r.ruleErrors, []);
      assert.deepStrictEqual(brief(r.findings), [
        ['broad-source-arn', 'main.tf', [17, 18, 17, 36], 'Broad source_arn: resources other than the intended invoker can invoke public-api (aws_lambda_permission.api on aws_lambda_function.api). It wildcards the API id.'],
      ]);
      assert.strictEqual(textAt(r.root, r.findings[0]), 'var.api_source_arn');
      assert.deepStrictEqual(r.findings[0].fixes.map((x) => x.title), ['Replace with a apigateway ARN of one resource', 'Ignore broad-source-arn for this block']);
    });

    it('an unknown source_arn resolved through configuration references: permission b names the nightly rule while b runs on the hourly rule (format 0.1)', async () => {
      const r = await scanPlan(path.join(FIX, 'unknown-source-arn/plan.json'));
      assert.deepStrictEqual(r.ruleErrors, []);
      assert.deepStrictEqual(brief(r.findings), [
        ['source-arn-mismatch', 'plan.json', [353, 10, 353, 22], 'source_arn never matches EventBridge rule aws_cloudwatch_event_rule.hourly: events matched by aws_cloudwatch_event_rule.hourly will not invoke the function (aws_lambda_permission.b → aws_lambda_function.b).'],
      ]);
      assert.strictEqual(textAt(r.root, r.findings[0]), '"source_arn"');
      const text = fs.readFileSync(path.join(FIX, 'unknown-source-arn/plan.json'), 'utf8');
      const entry = text.indexOf('"address": "aws_lambda_permission.b"', text.indexOf('"resource_changes"'));
      const at = text.split('\n').slice(0, 353).join('\n').length;
      assert.ok(at > entry && at < text.indexOf('"configuration"'), 'in aws_lambda_permission.b\'s resource_changes entry');
    });

    it('an update plan (every id and ARN known): the permission narrowed to GET /orders no longer serves the POST integration, found as source analysis finds it', async () => {
      const r = await scanPlan(path.join(FIX, 'update-known/plan.json'));
      assert.deepStrictEqual(r.ruleErrors, []);
      assert.deepStrictEqual(brief(r.findings), [
        ['source-arn-mismatch', 'plan.json', [315, 24, 315, 92], 'source_arn never matches API Gateway aws_api_gateway_rest_api.api: every request to POST /orders will fail with 500 (aws_lambda_permission.api → aws_lambda_function.orders).'],
      ]);
      assert.strictEqual(textAt(r.root, r.findings[0]), '"arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/*/GET/orders"');
    });

    it('a deleted permission is ignored (its subscription is reported); a replaced one counts as present; known ARNs equal to a referenced resource\'s are read as that reference (the topic is named)', async () => {
      const r = await scanPlan(path.join(FIX, 'deleted-permission/plan.json'));
      assert.deepStrictEqual(r.ruleErrors, []);
      assert.deepStrictEqual(brief(r.findings), [
        ['missing-invoke-permission', 'plan.json', [215, 22, 215, 76], 'No permission lets SNS topic aws_sns_topic.jobs invoke job-x: messages published to aws_sns_topic.jobs will not be delivered to the function. No aws_lambda_permission on aws_lambda_function.x grants sns.amazonaws.com. (aws_sns_topic_subscription.x)'],
      ]);
      assert.strictEqual(textAt(r.root, r.findings[0]), '"arn:aws:lambda:eu-west-1:123456789012:function:job-x"');
    });
  });

  describe('module instances (for_each on a module call)', () => {
    it('each.key of the call binds the child\'s variables per instance: module.svc["b"] is granted topic "a" while subscribed to topic "b"', () => {
      const fn = (k: string): unknown => ({ address: `module.svc["${k}"].aws_lambda_function.f`, module_address: `module.svc["${k}"]`, mode: 'managed', type: 'aws_lambda_function', name: 'f', change: { actions: ['create'], before: null, after: { function_name: `svc-${k}` }, after_unknown: { arn: true } } });
      const topic = (k: string): unknown => ({ address: `aws_sns_topic.t["${k}"]`, mode: 'managed', type: 'aws_sns_topic', name: 't', index: k, change: { actions: ['create'], before: null, after: { name: `${k}-events` }, after_unknown: { arn: true } } });
      const sub = (k: string): unknown => ({ address: `module.svc["${k}"].aws_sns_topic_subscription.s`, module_address: `module.svc["${k}"]`, mode: 'managed', type: 'aws_sns_topic_subscription', name: 's', change: { actions: ['create'], before: null, after: { protocol: 'lambda' }, after_unknown: { topic_arn: true, endpoint: true } } });
      const perm = (k: string): unknown => ({ address: `module.svc["${k}"].aws_lambda_permission.p`, module_address: `module.svc["${k}"]`, mode: 'managed', type: 'aws_lambda_permission', name: 'p', change: { actions: ['create'], before: null, after: { action: 'lambda:InvokeFunction', principal: 'sns.amazonaws.com', function_name: `svc-${k}` }, after_unknown: { source_arn: true } } });
      const plan = {
        format_version: '1.2',
        resource_changes: [topic('a'), topic('b'), fn('a'), fn('b'), sub('a'), sub('b'), perm('a'), perm('b')],
        configuration: { root_module: {
          resources: [{ address: 'aws_sns_topic.t', mode: 'managed', type: 'aws_sns_topic', name: 't', expressions: { name: { references: ['each.key'] } }, for_each_expression: { constant_value: ['a', 'b'] } }],
          module_calls: { svc: {
            source: './svc', for_each_expression: { constant_value: ['a', 'b'] },
            expressions: { topic_arn: { references: ['aws_sns_topic.t[each.key].arn', 'aws_sns_topic.t[each.key]', 'aws_sns_topic.t', 'each.key'] }, granted_topic_arn: { references: ['aws_sns_topic.t["a"].arn', 'aws_sns_topic.t["a"]', 'aws_sns_topic.t'] } },
            module: {
              resources: [
                { address: 'aws_lambda_function.f', mode: 'managed', type: 'aws_lambda_function', name: 'f', expressions: { function_name: { references: ['var.name'] } } },
                { address: 'aws_sns_topic_subscription.s', mode: 'managed', type: 'aws_sns_topic_subscription', name: 's', expressions: { protocol: { constant_value: 'lambda' }, topic_arn: { references: ['var.topic_arn'] }, endpoint: { references: ['aws_lambda_function.f.arn', 'aws_lambda_function.f'] } } },
                { address: 'aws_lambda_permission.p', mode: 'managed', type: 'aws_lambda_permission', name: 'p', expressions: { action: { constant_value: 'lambda:InvokeFunction' }, principal: { constant_value: 'sns.amazonaws.com' }, function_name: { references: ['aws_lambda_function.f.function_name', 'aws_lambda_function.f'] }, source_arn: { references: ['var.granted_topic_arn'] } } },
              ],
              variables: { topic_arn: {}, granted_topic_arn: {}, name: {} },
            },
          } },
        } },
      };
      const text = JSON.stringify(plan, null, 1);
      const f = analyzePlan({ planPath: 'plan.json', planText: text, rootDir: '' });
      assert.deepStrictEqual(f.map((x) => [x.ruleId, x.message]), [
        ['source-arn-mismatch', 'source_arn never matches SNS topic aws_sns_topic.t["b"]: messages published to aws_sns_topic.t["b"] will not be delivered to the function (module.svc["b"].aws_lambda_permission.p → module.svc["b"].aws_lambda_function.f).'],
      ]);
      const li = text.split('\n');
      assert.match(li[f[0].range.start.line], /"source_arn": true/);
      const entry = text.indexOf('"address": "module.svc[\\"b\\"].aws_lambda_permission.p"');
      assert.ok(entry > 0 && text.split('\n').slice(0, f[0].range.start.line).join('\n').length > entry, 'in module.svc["b"]\'s permission entry');
    });
  });

  describe('fixes at source', () => {
    const rootTf = [
      'resource "aws_api_gateway_rest_api" "api" {', '  name = "orders"', '}', '',
      'resource "aws_api_gateway_integration" "get" {', '  rest_api_id = aws_api_gateway_rest_api.api.id', '  resource_id = aws_api_gateway_rest_api.api.root_resource_id', '  http_method = "GET"', '  type        = "AWS_PROXY"', '  uri         = module.fn.invoke_arn', '}', '',
      'module "fn" {', '  source = "./fn"', '}', '',
    ].join('\n');
    const fnTf = [
      'resource "aws_lambda_function" "f" {', '  function_name = "orders"', '}', '',
      'resource "aws_lambda_permission" "api" {', '  action        = "lambda:InvokeFunction"', '  function_name = aws_lambda_function.f.function_name', '  principal     = "apigateway.amazonaws.com"', '}', '',
      'output "invoke_arn" {', '  value = aws_lambda_function.f.invoke_arn', '}', '',
    ].join('\n');
    const change = (address: string, type: string, name: string, after: Record<string, unknown>, unknown: Record<string, unknown>, module?: string): unknown => ({ address, ...(module ? { module_address: module } : {}), mode: 'managed', type, name, change: { actions: ['create'], before: null, after, after_unknown: unknown } });
    const plan = JSON.stringify({
      format_version: '1.2',
      resource_changes: [
        change('aws_api_gateway_rest_api.api', 'aws_api_gateway_rest_api', 'api', { name: 'orders' }, { id: true, execution_arn: true, root_resource_id: true }),
        change('aws_api_gateway_integration.get', 'aws_api_gateway_integration', 'get', { http_method: 'GET', type: 'AWS_PROXY' }, { rest_api_id: true, resource_id: true, uri: true }),
        change('module.fn.aws_lambda_function.f', 'aws_lambda_function', 'f', { function_name: 'orders' }, { arn: true, invoke_arn: true }, 'module.fn'),
        change('module.fn.aws_lambda_permission.api', 'aws_lambda_permission', 'api', { action: 'lambda:InvokeFunction', function_name: 'orders', principal: 'apigateway.amazonaws.com', source_arn: null }, { id: true }, 'module.fn'),
      ],
      configuration: { root_module: { module_calls: { fn: { source: './fn', module: { outputs: { invoke_arn: { expression: { references: ['aws_lambda_function.f.invoke_arn', 'aws_lambda_function.f'] } } } } } } } },
    }, null, 1);

    it('a fix in a child module\'s file that would name a root-module resource is not offered (the suppression fix still is)', async () => {
      const d = fs.mkdtempSync(path.join(os.tmpdir(), 'lpg-plan-'));
      fs.mkdirSync(path.join(d, 'fn'));
      fs.writeFileSync(path.join(d, 'main.tf'), rootTf);
      fs.writeFileSync(path.join(d, 'fn/main.tf'), fnTf);
      fs.writeFileSync(path.join(d, 'plan.json'), plan);
      const r = await scanPlan(path.join(d, 'plan.json'));
      assert.deepStrictEqual(r.findings.map((f) => [f.ruleId, f.file, rangeOf(f), f.fixes.map((x) => x.title)]), [
        // the preferred "Add source_arn = \"${aws_api_gateway_rest_api.api.execution_arn}/*/*\"" names the root's API: not valid in fn/main.tf
        ['missing-source-arn', 'fn/main.tf', [7, 18, 7, 44], ['Ignore missing-source-arn for this block']],
      ]);
      assert.match(r.findings[0].message, /^No source_arn: .* \(module\.fn\.aws_lambda_permission\.api on module\.fn\.aws_lambda_function\.f\)\. It lets apigateway\.amazonaws\.com invoke/);
    });
  });

  describe('real plans (../shared/corpus/plans)', () => {
    const all = (): string[] => {
      const out: string[] = [];
      const visit = (d: string): void => { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name); if (e.isDirectory()) visit(p); else if (e.name.endsWith('.json')) out.push(p); } };
      visit(PLANS);
      return out.sort();
    };

    it('all 7 are recognised as plans and scanned without error', async () => {
      const files = all();
      assert.strictEqual(files.length, 7);
      for (const f of files) {
        const text = fs.readFileSync(f, 'utf8');
        assert.ok(isPlanJson(text), f);
        assert.strictEqual(readPlan(text).error, undefined, f);
        assert.deepStrictEqual((await scanPlan(f)).ruleErrors, [], f);
      }
    });

    it('test_issue_796: the permission in module.outer[0] whose source_arn comes from module.inner\'s output is not reported (its source_arn exists after apply)', async () => {
      const f = path.join(PLANS, 'terraform-compliance__cli/tests/functional/test_issue_796/plan.out.json');
      const r = await scanPlan(f);
      assert.deepStrictEqual(brief(r.findings), []);
      // the .tf sources beside it are read: the permission is placed at outer/main.tf, its source_arn bound to the inner rule
      const p = analyzePlan({ planPath: 'plan.out.json', planText: fs.readFileSync(f, 'utf8'), rootDir: '', sources: [] }, { rules: { 'missing-source-arn': 'error' } });
      assert.deepStrictEqual(brief(p), []);
    });

    it('test_issue_522: the EventBridge permission whose planned source_arn is "" (an unset argument: no SourceArn is sent) lacks source_arn; the destroyed and after:null entries are ignored', async () => {
      const r = await scanPlan(path.join(PLANS, 'terraform-compliance__cli/tests/functional/test_issue_522/plan.out.json'));
      assert.deepStrictEqual(brief(r.findings), [
        ['missing-source-arn', 'plan.out.json', [0, 42473, 0, 42495], 'No source_arn: any EventBridge rule in any account can invoke metrics-lambda-primary-lambda (aws_lambda_permission.allow_metric_event_bridge_to_call_monitor_metric_lambda on aws_lambda_function.lambda). It lets events.amazonaws.com invoke the function without naming the invoker (confused deputy).'],
      ]);
      assert.strictEqual(textAt(r.root, r.findings[0]), '"events.amazonaws.com"');
    });

    it('test_issue-249 and Checkov\'s tfplan: lambda:* on "*" in IAM policies, read from the policy strings of the plan', async () => {
      const a = await scanPlan(path.join(PLANS, 'terraform-compliance__cli/tests/functional/test_issue-249/plan.out.json'));
      assert.deepStrictEqual(a.findings.map((f) => [f.ruleId, f.message]), [
        ['wildcard-lambda-action', 'lambda:* allowed in aws_iam_role_policy.lambda_role_policy: the statement allows every Lambda action.'],
        ['wildcard-lambda-resource', 'Lambda actions on every resource in aws_iam_role_policy.lambda_role_policy: the statement grants them on "*", not on the function the caller needs.'],
        ['wildcard-lambda-action', 'lambda:* allowed in aws_iam_role_policy.myapp_instance_role_policy: the statement allows every Lambda action.'],
        ['wildcard-lambda-resource', 'Lambda actions on every resource in aws_iam_role_policy.myapp_instance_role_policy: the statement grants them on "*", not on the function the caller needs.'],
      ]);
      for (const f of a.findings) assert.ok(textAt(a.root, f).startsWith('"{\\n  \\"Version\\": \\"2012-10-17\\"'), 'the policy string of the plan');
      const b = await scanPlan(path.join(PLANS, 'bridgecrewio__checkov/tests/terraform/runner/resources/plan/tfplan.json'));
      assert.deepStrictEqual(brief(b.findings), [
        ['wildcard-lambda-action', 'tfplan.json', [2043, 20, 2043, 275], 'lambda:* allowed in aws_iam_user_policy.userpolicy: the statement allows every Lambda action.'],
        ['wildcard-lambda-resource', 'tfplan.json', [2043, 20, 2043, 275], 'Lambda actions on every resource in aws_iam_user_policy.userpolicy: the statement grants them on "*", not on the function the caller needs.'],
      ]);
    });

    it('data sources known only from prior_state are read (Checkov\'s tfplan, test_issue_522)', () => {
      const a = readPlan(fs.readFileSync(path.join(PLANS, 'bridgecrewio__checkov/tests/terraform/runner/resources/plan/tfplan.json'), 'utf8'));
      for (const x of ['data.aws_caller_identity.current', 'data.aws_iam_policy_document.policy', 'data.aws_iam_policy_document.iam_policy_eks']) assert.ok(a.byAddress.get(x)?.values, x);
      const b = readPlan(fs.readFileSync(path.join(PLANS, 'terraform-compliance__cli/tests/functional/test_issue_522/plan.out.json'), 'utf8'));
      assert.strictEqual(b.byAddress.get('data.aws_iam_policy_document.lambda_execution_policy')?.mode, 'data');
      // and destroyed instances are not
      assert.strictEqual(b.byAddress.get('aws_cloudwatch_event_rule.Metricos_custom_alert_schedule_frequent[0]'), undefined);
      assert.strictEqual(b.byAddress.get('aws_cloudwatch_event_target.Metricos_custom_alert_event_target_frequent[0]'), undefined);
    });

    it('the API Gateway and Lambda-only plans have no finding', async () => {
      for (const rel of ['terraform-compliance__cli/tests/functional/test-it_must_not_be_in-pass/plan.out.json', 'terraform-compliance__cli/tests/functional/test_issue-338/plan.out.json', 'terraform-compliance__cli/tests/functional/test_non_created_module_resource_parameter/plan.out.json']) {
        assert.deepStrictEqual(brief((await scanPlan(path.join(PLANS, rel))).findings), [], rel);
      }
    });
  });

  describe('detection', () => {
    const mini = (fv: string): string => JSON.stringify({ format_version: fv, planned_values: { root_module: {} }, resource_changes: [], configuration: { root_module: {} } });
    it('recognises format_version 0.1 to 1.x by content, not by file name', async () => {
      for (const fv of ['0.1', '0.2', '1.0', '1.2', '1.9']) assert.ok(isPlanJson(mini(fv)), fv);
      assert.ok(!isPlanJson('{"Version": "2012-10-17", "Statement": []}'));
      assert.ok(!isPlanJson('{"format_version": "1.0", "values": {"root_module": {}}}'), 'a state, not a plan');
      assert.ok(!isPlanJson('{"format_version": "1.0", "provider_schemas": {}}'));
    });

    it('an unsupported major version and a broken plan are reported as parse-error in the plan, never a crash', async () => {
      const v2 = analyzePlan({ planPath: 'p.json', planText: mini('2.0'), rootDir: '' });
      assert.deepStrictEqual(v2.map((f) => [f.ruleId, f.message]), [['parse-error', 'Terraform plan format_version "2.0" is not supported (0.x and 1.x are): not analysed']]);
      const broken = '{"format_version": "1.2", "planned_values": {"root_module": {"resources": [}}';
      assert.deepStrictEqual(analyzePlan({ planPath: 'p.json', planText: broken, rootDir: '' }).map((f) => [f.ruleId, rangeOf(f), f.message]), [['parse-error', [0, 75, 0, 76], 'JSON: value expected']]);
    });

    it('a plan JSON in a folder is neither a policy nor a parse error for the module analysis; the folder scan analyses it as a plan', async () => {
      const text = fs.readFileSync(path.join(PLANS, 'terraform-compliance__cli/tests/functional/test_issue-249/plan.out.json'), 'utf8');
      assert.deepStrictEqual(analyze({ 'plan.json': text, 'main.tf': 'resource "aws_s3_bucket" "b" {}\n' }), []);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpg-plan-'));
      fs.writeFileSync(path.join(dir, 'plan.json'), fs.readFileSync(path.join(FIX, 'registry-module/plan.json')));
      fs.mkdirSync(path.join(dir, 'app'));
      fs.writeFileSync(path.join(dir, 'app', 'main.tf'), 'resource "aws_lambda_permission" "p" {\n  action        = "lambda:InvokeFunction"\n  function_name = "f"\n  principal     = "*"\n}\n');
      const r = await scan(dir);
      assert.deepStrictEqual(r.plans, ['plan.json']);
      assert.deepStrictEqual(r.findings.map((f) => [f.file, f.ruleId]).sort(), [['app/main.tf', 'public-invoke-principal'], ['plan.json', 'missing-source-arn']]);
    });
  });
});
