/** The exposure rules' metadata is the contract of RULES.md: ids, default severities, kind, peer suppressions. */
import { assert } from '../helpers';
import { allRules, ruleById } from '../../../server/src/core/rules';
import { parseSuppression } from '../../../server/src/core/suppress';

const CONTRACT: { id: string; severity: string; peers: string[] }[] = [
  { id: 'missing-source-arn', severity: 'warning', peers: ['checkov:skip=CKV_AWS_364', 'trivy:ignore:AVD-AWS-0067', 'tfsec:ignore:aws-lambda-restrict-source-arn'] },
  { id: 'missing-source-account', severity: 'info', peers: [] },
  { id: 'missing-event-source-token', severity: 'warning', peers: [] },
  { id: 'public-invoke-principal', severity: 'error', peers: ['checkov:skip=CKV_AWS_301'] },
  { id: 'public-function-url', severity: 'info', peers: ['checkov:skip=CKV_AWS_258'] },
  { id: 'broad-permission-action', severity: 'warning', peers: [] },
  { id: 'broad-source-arn', severity: 'warning', peers: [] },
  { id: 'wildcard-lambda-action', severity: 'warning', peers: [] },
  { id: 'wildcard-lambda-resource', severity: 'warning', peers: [] },
];

describe('exposure rules: metadata', () => {
  for (const c of CONTRACT) it(c.id, () => {
    const r = ruleById(c.id);
    assert.ok(r, `${c.id} is not registered`);
    assert.strictEqual(r!.meta.severity, c.severity);
    assert.strictEqual(r!.meta.kind, 'exposure');
    assert.ok(r!.meta.title.length > 10 && !r!.meta.title.includes('\n'));
    assert.ok(r!.meta.docs.includes('Fix'), 'docs describe the fix');
    assert.deepStrictEqual(r!.meta.peerSuppressions ?? [], c.peers);
    // every peer comment listed in the metadata really silences the rule
    for (const p of c.peers) assert.deepStrictEqual(parseSuppression('#' + p)?.ids, [c.id], p);
  });
  it('registered before parse-error, once each', () => {
    const ids = allRules.map((r) => r.meta.id);
    for (const c of CONTRACT) {
      assert.strictEqual(ids.filter((x) => x === c.id).length, 1);
      assert.ok(ids.indexOf(c.id) < ids.indexOf('parse-error'));
    }
  });
});
