/** The pure parts of a scan: modules, configuration, fix selection; and the safe writer. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { planModules, parseConfig, ignoreMatcher, ConfigError, selectFixes, fixModule, analyzeModuleTexts, writeTextAtomic, readText } from '../../../server/src/scan';
import type { Finding } from '../../../server/src/core/types';
import { tempDir } from './run';

describe('scan: modules', () => {
  it('a folder with Terraform owns its Terraform-less subfolders; policy folders elsewhere are modules of their own', () => {
    assert.deepStrictEqual(planModules([
      'main.tf', 'policies/lambda.json', 'policies/deep/x.json',
      'modules/api/api.tf', 'modules/api/templates/p.tftpl',
      'iam/a.json', 'iam/b/c.json',
    ].map((p) => 'root/' + p)), [
      { dir: 'root', files: ['root/iam/a.json', 'root/iam/b/c.json', 'root/main.tf', 'root/policies/deep/x.json', 'root/policies/lambda.json'] },
      { dir: 'root/modules/api', files: ['root/modules/api/api.tf', 'root/modules/api/templates/p.tftpl'] },
    ]);
    assert.deepStrictEqual(planModules(['iam/a.json', 'iam/b/c.json', 'x.tf.json']), [
      { dir: '', files: ['iam/a.json', 'iam/b/c.json', 'x.tf.json'] },
    ]);
    assert.deepStrictEqual(planModules(['iam/a.json', 'iam/b/c.json']), [
      { dir: 'iam', files: ['iam/a.json'] },
      { dir: 'iam/b', files: ['iam/b/c.json'] },
    ]);
  });

  it('file() of a policy in a subfolder resolves inside the module', async () => {
    const findings = await analyzeModuleTexts({
      dir: 'svc',
      files: [
        { path: 'svc/main.tf', text: 'resource "aws_iam_policy" "p" {\n  policy = file("${path.module}/policies/invoke.json")\n}\n' },
        { path: 'svc/policies/invoke.json', text: '{"Statement": [{"Effect": "Allow", "Action": "lambda:*", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f"}]}' },
      ],
    });
    assert.deepStrictEqual(findings.filter((f) => f.ruleId === 'wildcard-lambda-action').map((f) => f.file), ['svc/policies/invoke.json']);
  });
});

describe('scan: configuration', () => {
  it('parses rules and ignore globs', () => {
    assert.deepStrictEqual(parseConfig('{"rules": {"missing-source-arn": "off", "parse-error": "warning"}, "ignore": ["legacy/**"]}'), { rules: { 'missing-source-arn': 'off', 'parse-error': 'warning' }, ignore: ['legacy/**'] });
    assert.deepStrictEqual(parseConfig('{}'), { rules: {}, ignore: [] });
    // Every id of the catalogue is accepted, even before its rule is registered.
    assert.deepStrictEqual(parseConfig('{"rules": {"missing-invoke-permission": "warning"}}').rules, { 'missing-invoke-permission': 'warning' });
  });
  it('rejects bad configuration with the file name in the message', () => {
    assert.throws(() => parseConfig('{"rules": []}', '/x/.lpg.json'), (e: unknown) => e instanceof ConfigError && e.message === '/x/.lpg.json: "rules" must be an object: {"<rule id>": "off" | "info" | "warning" | "error"}');
    assert.throws(() => parseConfig('{"ignore": ["a/../../b"]}'), /reaches outside the scanned root/);
    assert.throws(() => parseConfig('{"ignore": [""]}'), /non-empty glob strings/);
    assert.throws(() => parseConfig('{"rules": {"missing-source-arn": "warn"}}'), /severity must be/);
  });
  it('globs match root-relative paths; a folder glob covers its contents; ! re-includes', () => {
    const m = ignoreMatcher(['legacy', '**/*.tftpl', 'gen/**', '!gen/keep.tf']);
    assert.deepStrictEqual(['legacy', 'legacy/a/main.tf', 'x/y.tftpl', 'gen/a.tf', 'gen/keep.tf', 'main.tf', '../legacy/main.tf'].map(m), [true, true, true, true, false, false, false]);
  });
});

describe('scan: fixes', () => {
  const f = (ruleId: string, file: string, sl: number, sc: number, el: number, ec: number, newText: string, preferred = true): Finding => ({
    ruleId, severity: 'warning', file, message: ruleId, related: [],
    range: { start: { line: sl, character: sc }, end: { line: el, character: ec } },
    fixes: [{ title: 'fix ' + ruleId, preferred, edits: [{ file, range: { start: { line: sl, character: sc }, end: { line: el, character: ec } }, newText }] }],
  });
  it('selects one preferred fix per finding, never two touching the same text', () => {
    const texts = new Map([['a.tf', 'aaaa\nbbbb\n'], ['b.tf', 'cccc\n']]);
    const chosen = selectFixes([
      f('r1', 'a.tf', 0, 0, 0, 2, 'X'),
      f('r2', 'a.tf', 0, 1, 0, 3, 'Y'), // overlaps r1
      f('r3', 'a.tf', 0, 2, 0, 2, 'Z'), // touches r1's end
      f('r4', 'a.tf', 1, 0, 1, 4, 'W'),
      f('r5', 'b.tf', 0, 0, 0, 1, 'V'),
      f('r6', 'a.tf', 0, 4, 0, 4, 'S', false), // suggestion only
      f('r7', 'c.tf', 0, 0, 0, 0, 'T'), // a file the module does not have
    ], texts);
    assert.deepStrictEqual(chosen.map((c) => c.finding.ruleId), ['r1', 'r4', 'r5']);
  });
  it('fixModule applies preferred fixes and re-analyses until nothing is left', async () => {
    const texts = { path: 'p.tf', text: 'resource "aws_lambda_permission" "s3" {\n  action        = "lambda:*"\n  function_name = "f"\n  principal     = "s3.amazonaws.com"\n  source_arn    = "arn:aws:s3:::b"\n  source_account = "123456789012"\n}\n' };
    const r = await fixModule({ dir: '', files: [texts] });
    assert.deepStrictEqual(r.applied.map((a) => a.ruleId), ['broad-permission-action']);
    assert.deepStrictEqual(r.changed, ['p.tf']);
    assert.ok(r.texts.get('p.tf')!.includes('action        = "lambda:InvokeFunction"'));
    assert.deepStrictEqual(r.findings.filter((x) => x.ruleId === 'broad-permission-action'), []);
  });
  it('fixModule leaves out a fix after which HashiCorp\'s parser rejects a file that parsed', async () => {
    const text = 'resource "aws_lambda_permission" "s3" {\n  action        = "lambda:*"\n  function_name = "f"\n  principal     = "s3.amazonaws.com"\n  source_arn    = "arn:aws:s3:::b"\n  source_account = "123456789012"\n}\n';
    // A stand-in checker that rejects the fixed text.
    const checkSyntax = async (_p: string, t: string) => (t.includes('lambda:*') ? null : { line: 1, character: 0, message: 'broken' });
    const r = await fixModule({ dir: '', files: [{ path: 'p.tf', text }] }, { checkSyntax });
    assert.deepStrictEqual(r.applied, []);
    assert.deepStrictEqual(r.rejected.map((x) => [x.ruleId, x.reason]), [['broad-permission-action', "it would break the syntax of p.tf (HashiCorp's parser: 2:1 broken)"]]);
    assert.deepStrictEqual(r.changed, []);
    assert.strictEqual(r.texts.get('p.tf'), text);
  });
});

describe('scan: writing files', () => {
  it('writes atomically, keeps the BOM, and refuses a file changed since it was read', async () => {
    const d = tempDir({ 'a.tf': '\uFEFFa = 1\r\n' });
    const p = path.join(d, 'a.tf');
    const r = await readText(p, 'a.tf');
    assert.ok(!('message' in r));
    assert.strictEqual(r.text, 'a = 1\r\n');
    assert.strictEqual(r.bom, true);
    assert.strictEqual(await writeTextAtomic(p, 'a = 2\r\n', r.bom, r.raw), undefined);
    assert.strictEqual(fs.readFileSync(p, 'utf8'), '\uFEFFa = 2\r\n');
    // The file changes on disk after it was read: the fix is not written.
    fs.writeFileSync(p, 'a = 3\n');
    assert.strictEqual(await writeTextAtomic(p, 'a = 4\n', false, r.raw), 'not written: the file changed on disk since it was read');
    assert.strictEqual(fs.readFileSync(p, 'utf8'), 'a = 3\n');
    assert.deepStrictEqual(fs.readdirSync(d), ['a.tf']);
  });
});
