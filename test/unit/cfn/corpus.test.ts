/**
 * The CloudFormation corpus (../shared/corpus/cfn): every template read without error; the labelled
 * fixtures of cfn-lint, regula, cfn_nag and KICS compared with their labels (the deliberate
 * differences listed); SAM translator inputs compared with SAM's own expected outputs.
 */
import * as fs from 'fs';
import * as path from 'path';
import { analyze, applyFix, assert, ready } from '../helpers';
import { makeSourceFile } from '../../../server/src/core/source';
import { cfnInfo, type CfnResource } from '../../../server/src/core/frontends/cfn/synth';
import { get, str } from '../../../server/src/core/frontends/cfn/parse';
import { allRules } from '../../../server/src/core/rules';
import { scan } from '../../../server/src/scan';
import { analyzeModule } from '../../../server/src/core/analyze';
import { fixAllTexts } from '../../../server/src/lsp/fixall';
import type { Finding } from '../../../server/src/core/types';

const CORPUS = path.resolve(__dirname, '../../../../shared/corpus');
const CFN = path.join(CORPUS, 'cfn');
const OUTAGE = new Set(allRules.filter((r) => r.meta.kind === 'outage').map((r) => r.meta.id));

interface Label { tool: string; rule_id: string; platform: string; resource: string; expected: string; file: string; line: number | null }
function labels(file: string): Label[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Label);
}

/** Peer rule -> our rule (peer rules with no counterpart here are not compared). */
const MAP: Record<string, string> = {
  W3663: 'missing-source-account',
  W3664: 'source-arn-mismatch',
  FG_R00276: 'public-invoke-principal',
  F13: 'public-invoke-principal',
  W24: 'broad-permission-action',
  '9b83114b-b2a1-4534-990d-06da015e47aa': 'broad-permission-action',
  '1d6e16f1-5d8a-4379-bfb3-2dadd38ed5a7': 'public-invoke-principal',
};

/**
 * Where we deliberately differ from the peer (file basename + resource): each with the reason.
 */
const DELIBERATE: Record<string, string> = {
  // cfn-lint W3664 passes these; an execute-api SourceArn must have /{stage}/{method}/{path} to match (RULES source-arn-mismatch)
  'case_06_api_gateway_with_correct_principal.json Permission': 'execute-api ARN without /stage/method/path never matches',
  // cfn-lint only checks Ref/GetAtt SourceArns; a literal s3 ARN for events.amazonaws.com never matches either
  'case_14_string_sourcearn_no_resource_reference.json Permission': 'events principal with an s3 ARN',
  // cfn-lint's W3663 fragments have no Principal (cfn-lint infers S3 from the SourceArn): a permission without Principal grants nothing (RULES)
  'case_02_getatt_to_s3_bucket_without_sourceaccount.json Permission': 'no Principal',
  'case_04_string_arn_without_account_id.json Permission': 'no Principal',
  'case_09_fn_if_with_getatt_to_bucket_sqs_sourceaccount_wrong_conditio.json Permission': 'no Principal',
  // Principal "*" narrowed by SourceArn and SourceAccount is not public (RULES public-invoke-principal; cfn_nag #614)
  'positive1.yaml Resources.s3Permission.Properties.Principal': 'Principal * with SourceArn and SourceAccount',
  'positive2.json Resources.s3Permission.Properties.Principal': 'Principal * with SourceArn and SourceAccount',
  'lambda_with_wildcard_principal_and_non_invoke_function_permission.json lambdaPermission': 'Principal * with SourceArn and SourceAccount',
};

/** The resource's span, and for a function (regula labels functions) the spans of the permissions on it. */
function resourceSpans(text: string, name: string, id: string): { start: number; end: number }[] | undefined {
  const info = cfnInfo(makeSourceFile(name, text).syntax);
  const r = info?.resources.get(id);
  if (!info || !r) return undefined;
  const out = [r.entry.span];
  // by reference, or by the function's literal name (`function4`, `function5:v1`)
  const fnNode = get(r.props, 'FunctionName');
  const fnName = fnNode ? str(fnNode) ?? text.slice(fnNode.span.start, fnNode.span.end).replace(/^!Sub\s+/, '') : undefined;
  const named = (p: CfnResource): boolean => {
    const fn = get(p.props, 'FunctionName');
    return !!fnName && !!fn && text.slice(fn.span.start, fn.span.end).includes(fnName);
  };
  if (/::Function$/.test(r.type)) for (const p of info.resources.values()) if (p.type === 'AWS::Lambda::Permission' && (p.refs.has(id) || named(p))) out.push(p.entry.span);
  return out;
}

describe('CloudFormation corpus', function () {
  this.timeout(300000);
  before(ready);

  it('every file of corpus/cfn is scanned without a rule error or a parse error', async () => {
    const errors: string[] = [];
    const r = await scan(CFN, { onRuleError: (id, e, dir) => errors.push(`${dir}: ${id}: ${String(e)}`) });
    assert.deepStrictEqual(errors, []);
    assert.deepStrictEqual(r.issues, []);
    assert.deepStrictEqual(r.findings.filter((f) => f.ruleId === 'parse-error').map((f) => f.file), []);
    assert.ok(r.filesRead >= 370, String(r.filesRead));
    const templates = fs.readdirSync(CFN, { recursive: true }).map(String).filter((p) => /\.(ya?ml|json|template)$/.test(p))
      .filter((p) => makeSourceFile(p, fs.readFileSync(path.join(CFN, p), 'utf8')).kind === 'cfn');
    assert.ok(templates.length >= 280, String(templates.length));
  });

  it('the labelled fixtures agree with their labels, except the deliberate differences', () => {
    const all = [...labels(path.join(CFN, 'labels.jsonl')), ...labels(path.join(CORPUS, 'labelled/labels.jsonl'))]
      .filter((l) => MAP[l.rule_id] && (l.platform.toLowerCase() === 'cloudformation' || l.platform === 'sam'));
    assert.ok(all.length >= 30, String(all.length));
    const differ: Record<string, string> = {};
    let agree = 0;
    for (const l of all) {
      const file = path.join(CORPUS, l.file);
      const text = fs.readFileSync(file, 'utf8');
      const name = path.basename(file);
      const ours = analyze({ [name]: text }).filter((f) => f.ruleId === MAP[l.rule_id]);
      let mine: Finding[] = ours;
      if (l.resource !== '(whole file)') {
        // KICS names a path: Resources.<id>.Properties...
        const id = l.resource.startsWith('Resources.') ? l.resource.split('.')[1] : l.resource;
        const spans = resourceSpans(text, name, id);
        assert.ok(spans, `${l.file}: no resource ${l.resource}`);
        const f0 = makeSourceFile(name, text);
        mine = ours.filter((f) => { const o = f0.lines.offsetAt(f.range.start); return spans!.some((sp) => o >= sp.start && o <= sp.end); });
      }
      const fail = /^fail/.test(l.expected);
      if (mine.length > 0 === fail) { agree++; continue; }
      differ[`${name} ${l.resource}`] = `${l.tool} ${l.rule_id} expects ${l.expected}; we ${mine.length ? 'report ' + mine.map((f) => f.ruleId).join(',') : 'report nothing'}`;
    }
    assert.deepStrictEqual(Object.keys(differ).sort(), Object.keys(DELIBERATE).sort(), JSON.stringify(differ, null, 1));
    assert.ok(agree >= all.length - Object.keys(DELIBERATE).length);
  });

  it('SAM translator inputs raise outage findings only where SAM makes no permission (the expected output shows it)', () => {
    const dir = path.join(CFN, 'aws__serverless-application-model/tests/translator');
    const found: string[] = [];
    let n = 0;
    for (const f of fs.readdirSync(path.join(dir, 'input')).sort()) {
      const out = path.join(dir, 'output', f.replace(/\.ya?ml$/, '.json'));
      if (!fs.existsSync(out)) continue;
      n++;
      for (const x of analyze({ [f]: fs.readFileSync(path.join(dir, 'input', f), 'utf8') })) if (OUTAGE.has(x.ruleId)) found.push(`${f}:${x.range.start.line + 1} ${x.ruleId}`);
    }
    assert.strictEqual(n, 69);
    assert.deepStrictEqual(found, [
      // DisableFunctionDefaultPermissions: true on three REST Lambda authorizers: the output has no permission for them
      'api_rest_auth_disable_default_function_permissions.yaml:26 missing-invoke-permission',
      'api_rest_auth_disable_default_function_permissions.yaml:42 missing-invoke-permission',
      'api_rest_auth_disable_default_function_permissions.yaml:58 missing-invoke-permission',
      // the DefinitionBody of ExplicitApi invokes a function whose only event is on the implicit API: the output's
      // permission names ServerlessRestApi (our analysis of the output agrees: missing-invoke-permission there too)
      'api_with_openapi_definition_body_no_flag.yaml:43 missing-invoke-permission',
      // HttpApi Lambda authorizers without EnableFunctionDefaultPermissions: the output has no authorizer permission
      'http_api_lambda_auth.yaml:43 missing-invoke-permission',
      'http_api_lambda_auth_full.yaml:43 missing-invoke-permission',
    ]);
  });

  it('notification-before-permission: the two real templates with an S3 notification are ordered right; without their DependsOn they are reported and the fix restores it', () => {
    for (const [rel, dep] of [
      ['aws-samples__serverless-patterns/lambda-transcribe-sam-js/template.yaml', '    DependsOn: LambdaInvokePermission\n'],
      ['aws-cloudformation__aws-cloudformation-templates/S3/S3_LambdaTrigger.yaml', undefined],
    ] as const) {
      const text = fs.readFileSync(path.join(CFN, rel), 'utf8');
      assert.deepStrictEqual(analyze({ 'template.yaml': text }).filter((f) => f.ruleId === 'notification-before-permission'), [], rel);
      const m = /\n    DependsOn:(?: [A-Za-z]+\n|\n(?:      - .*\n)+)/.exec(text)!;
      assert.ok(m, rel);
      if (dep) assert.strictEqual(m[0].slice(1), dep);
      const without = text.replace(m[0], '\n');
      const fs1 = analyze({ 'template.yaml': without }).filter((f) => f.ruleId === 'notification-before-permission');
      assert.ok(fs1.length >= 1, rel); // one per LambdaConfigurations entry
      const fixed = applyFix({ 'template.yaml': without }, fs1[0].fixes[0])['template.yaml'];
      assert.deepStrictEqual(analyze({ 'template.yaml': fixed }).filter((f) => f.ruleId === 'notification-before-permission'), [], rel);
    }
  });

  it('fix-all (the preferred fixes, as the editor applies them) on every template: each changed template still parses, no finding is added', () => {
    let changed = 0;
    for (const p of fs.readdirSync(CFN, { recursive: true }).map(String).filter((x) => /\.(ya?ml|json|template)$/.test(x))) {
      const t = fs.readFileSync(path.join(CFN, p), 'utf8');
      const f = makeSourceFile(p, t);
      if (f.kind !== 'cfn') continue;
      const out = fixAllTexts([f], p, {}).get(p);
      if (out === undefined || out === t) continue;
      changed++;
      const g = makeSourceFile(p, out);
      assert.strictEqual(g.kind, 'cfn', p);
      assert.deepStrictEqual(g.syntax!.errors, [], p);
      const n0 = analyzeModule([f]).length, n1 = analyzeModule([g]).length;
      assert.ok(n1 < n0, `${p}: ${n0} -> ${n1}`);
    }
    assert.strictEqual(changed, 14);
  });
});
