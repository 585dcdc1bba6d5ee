/**
 * The peers' labelled fixtures (Checkov, Trivy, KICS) for the exposure rules we share with them:
 * their failing fixtures must be found by our rule, their passing ones must raise nothing of it,
 * except where RULES.md deliberately differs (listed in DIFFERENCES, each with the reason).
 * Only Terraform fixtures are asserted: CloudFormation templates are not an input of this product.
 */
import * as fs from 'fs';
import * as path from 'path';
import { assert, ready } from './helpers';
import { analyzeModule } from '../../server/src/core/analyze';
import { makeSourceFile } from '../../server/src/core/source';
import type { Finding } from '../../server/src/core/types';
import type { SourceFile } from '../../server/src/core/model/module';

const CORPUS = path.resolve(__dirname, '../../../shared/corpus');

interface Label { tool: string; rule_id: string; platform: string; resource: string | null; expected: string; file: string; line: number | null }

/** Peer rule -> our rule. */
function ourRule(l: Label): string | undefined {
  if (l.rule_id === 'CKV_AWS_364' || l.rule_id.startsWith('AWS-0067') || l.rule_id === 'AVD-AWS-0067') return 'missing-source-arn';
  if (l.rule_id === 'CKV_AWS_301') return 'public-invoke-principal';
  if (l.rule_id === 'e08ed7eb-f3ef-494d-9d22-2e3db756a347') return 'public-invoke-principal'; // KICS "Lambda Permission Principal Is Wildcard" (Terraform)
  if (l.rule_id === 'CKV_AWS_258') return 'public-function-url';
  if (l.rule_id === 'ad9dabc7-7839-4bae-a957-aa9120013f39') return 'broad-permission-action'; // KICS "Lambda With Vulnerable Policy" (lambda:*)
  if (l.rule_id === '75ec6890-83af-4bf1-9f16-e83726df0bd0') return 'broad-permission-action'; // KICS "Lambda Permission Misconfigured" (not InvokeFunction)
  return undefined;
}

/**
 * Deliberate differences from the peers, keyed by `rule_id|file name|resource`: what we expect
 * instead, and why (RULES.md).
 */
const DIFFERENCES: Record<string, { found: boolean; why: string }> = {
  // Checkov accepts source_account alone for any service. RULES.md (missing-source-arn):
  // "source_account alone does not satisfy this rule (it narrows the account, not the resource)".
  'CKV_AWS_364|LambdaServicePermission.tf|aws_lambda_permission.ckv_unittest_pass_source_account': { found: true, why: 'source_account alone does not satisfy missing-source-arn' },
  // Checkov flags principal "*" even with source_arn. RULES.md (public-invoke-principal): "*" is
  // reported only "with nothing that narrows it: no source_arn, source_account, principal_org_id";
  // this grant is narrowed to one EventBridge rule ARN.
  'CKV_AWS_301|main.tf|aws_lambda_permission.fail': { found: false, why: 'source_arn narrows principal "*"' },
  // KICS flags any wildcard principal; the fixture has source_arn (same shape as the Checkov one).
  'e08ed7eb-f3ef-494d-9d22-2e3db756a347|positive.tf|null': { found: false, why: 'source_arn narrows principal "*"' },
};

function loadLabels(): Label[] {
  const text = fs.readFileSync(path.join(CORPUS, 'labelled/labels.jsonl'), 'utf8');
  return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Label);
}

const folders = new Map<string, { files: SourceFile[]; findings: Finding[] }>();
function analyzeFolder(dir: string): { files: SourceFile[]; findings: Finding[] } {
  let r = folders.get(dir);
  if (r) return r;
  const files = fs.readdirSync(dir)
    .filter((n) => /\.(tf|tf\.json|json|tfvars)$/.test(n) && fs.statSync(path.join(dir, n)).isFile())
    .map((n) => makeSourceFile(n, fs.readFileSync(path.join(dir, n), 'utf8')));
  const errors: string[] = [];
  r = { files, findings: analyzeModule(files, { onRuleError: (id, e) => errors.push(`${id}: ${e}`) }) };
  assert.deepStrictEqual(errors, [], `rule errors in ${dir}`);
  folders.set(dir, r);
  return r;
}

/** `aws_lambda_permission.fail` or KICS `aws_lambda_permission[positive1].action` -> type and name. */
function resourceOf(l: Label): { type: string; name: string } | undefined {
  const r = l.resource ?? '';
  const m = /^(aws_[a-z0-9_]+)\.([\w-]+)$/.exec(r) ?? /^(aws_[a-z0-9_]+)\[([\w-]+)\]/.exec(r);
  return m ? { type: m[1], name: m[2] } : undefined;
}

describe('labelled peer fixtures (Checkov, Trivy, KICS)', () => {
  before(ready);

  const labels = loadLabels().filter((l) => l.platform === 'terraform' && ourRule(l));

  it('every deliberate difference names a labelled fixture', () => {
    const keys = new Set(labels.map((l) => `${l.rule_id}|${path.basename(l.file)}|${l.resource}`));
    assert.deepStrictEqual(Object.keys(DIFFERENCES).filter((k) => !keys.has(k)), []);
  });

  it('the corpus holds the fixtures this suite asserts on', () => {
    const rules = new Set(labels.map((l) => ourRule(l)));
    assert.deepStrictEqual([...rules].sort(), ['broad-permission-action', 'missing-source-arn', 'public-function-url', 'public-invoke-principal']);
    assert.ok(labels.some((l) => l.expected === 'fail'));
    assert.ok(labels.some((l) => l.expected.startsWith('pass')));
  });

  for (const l of labels) {
    const rule = ourRule(l)!;
    const fileName = path.basename(l.file);
    const key = `${l.rule_id}|${fileName}|${l.resource}`;
    const diff = DIFFERENCES[key];
    const peerFails = l.expected === 'fail';
    const expectFound = diff ? diff.found : peerFails;
    const title = `${l.tool} ${l.rule_id.split(' ')[0]} ${l.resource ?? fileName} (${l.expected}) -> ${rule} ${expectFound ? 'found' : 'not reported'}${diff ? ` [deliberate difference: ${diff.why}]` : ''}`;
    it(title, () => {
      const dir = path.dirname(path.join(CORPUS, l.file));
      const { files, findings } = analyzeFolder(dir);
      const file = files.find((f) => f.path === fileName);
      assert.ok(file, `fixture ${l.file} missing`);
      let mine = findings.filter((f) => f.ruleId === rule && f.file === fileName);
      const res = resourceOf(l);
      if (res) {
        const block = file!.syntax!.blocks.find((b) => b.type === 'resource' && b.labels[0]?.value === res.type && b.labels[1]?.value === res.name);
        assert.ok(block, `no ${res.type}.${res.name} in ${l.file}`);
        mine = mine.filter((f) => {
          const s = file!.lines.offsetAt(f.range.start), e = file!.lines.offsetAt(f.range.end);
          return block!.span.start <= s && e <= block!.span.end;
        });
      }
      if (expectFound) assert.ok(mine.length >= 1, `${rule} not found for ${key}`);
      else assert.deepStrictEqual(mine.map((f) => [f.range.start.line + 1, f.message]), [], `${rule} reported for ${key}`);
    });
  }

  it('CloudFormation fixtures are read as templates without error (their labels are compared in test/unit/cfn/labelled.test.ts)', () => {
    const cfn = loadLabels().filter((l) => l.platform.toLowerCase() === 'cloudformation' && /\.json$/.test(l.file));
    assert.ok(cfn.length > 0);
    for (const l of cfn) {
      const dir = path.dirname(path.join(CORPUS, l.file));
      const { findings } = analyzeFolder(dir);
      assert.deepStrictEqual(findings.filter((f) => f.file === path.basename(l.file) && f.ruleId === 'parse-error').map((f) => f.message), [], l.file);
    }
  });
});
