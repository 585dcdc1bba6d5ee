/** The real server over stdio: diagnostics on open, while typing, across files, after settings and file-system changes. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { DiagnosticSeverity, FileChangeType, DidChangeWorkspaceFoldersNotification, type Diagnostic } from 'vscode-languageserver-protocol';
import { TestClient, makeWorkspace, uriOf, covered, positionAt } from './client';

const PERM = `resource "aws_lambda_permission" "api" {\n  action        = "lambda:InvokeFunction"\n  function_name = "f"\n  principal     = "apigateway.amazonaws.com"\n}\n`;
const PRINCIPAL_RANGE = { start: { line: 3, character: 18 }, end: { line: 3, character: 44 } };
const LOCALS = `locals {\n  principal = "apigateway.amazonaws.com"\n}\n`;
const VIA_LOCAL = `resource "aws_lambda_permission" "api" {\n  action        = "lambda:InvokeFunction"\n  function_name = "f"\n  principal     = local.principal\n}\n`;

const summary = (ds: Diagnostic[]) => ds.map((d) => `${d.code}@${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`);

describe('protocol: diagnostics', function () {
  let c: TestClient;
  let root: string;
  afterEach(async () => { await c?.stop(); });

  it('publishes a diagnostic on open with code, docs link, source, severity, range and fix data', async () => {
    root = makeWorkspace({ 'main.tf': PERM });
    c = new TestClient({ root });
    await c.initialize();
    const uri = await c.open(path.join(root, 'main.tf'));
    const [d, ...rest] = await c.current(uri, (ds) => ds.length > 0);
    assert.deepStrictEqual(rest, []);
    assert.strictEqual(d.code, 'missing-source-arn');
    assert.strictEqual(d.source, 'lpg');
    assert.strictEqual(d.severity, DiagnosticSeverity.Warning);
    assert.deepStrictEqual(d.range, PRINCIPAL_RANGE);
    assert.strictEqual(covered(PERM, d.range), '"apigateway.amazonaws.com"');
    // the rule page shipped with the server: a local file, opened without network
    assert.strictEqual(d.codeDescription?.href, pathToFileURL(path.resolve(__dirname, '../../docs/rules/missing-source-arn.md')).href);
    assert.match(d.message, /^No source_arn: any API Gateway API in any account can invoke .* \(aws_lambda_permission\.api[ )].*It lets apigateway\.amazonaws\.com invoke the function without naming the invoker/);
    const data = d.data as { version: number; fixes: { title: string; preferred: boolean }[] };
    assert.strictEqual(data.version, 1);
    assert.deepStrictEqual(data.fixes.map((f) => [f.title, f.preferred]), [
      ['Add source_arn (apigateway ARN format)', false],
      ['Ignore missing-source-arn for this block', false],
    ]);
    // the server asked for the folder's settings with its URI, and registered for watched files
    assert.ok(c.configRequests.some((r) => r.scopeUri === uriOf(root) && r.section === 'lpg'), JSON.stringify(c.configRequests));
    await c.until('watcher registration', () => c.registrations.some((r) => r.method === 'workspace/didChangeWatchedFiles'));
    const reg = c.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles')!;
    // lpg/status goes only to clients that ask for it (the VS Code client)
    assert.deepStrictEqual(c.statuses, []);
    assert.deepStrictEqual((reg.registerOptions as { watchers: { globPattern: string }[] }).watchers.map((w) => w.globPattern), ['**/*.{tf,tf.json,tfvars,json,yaml,yml,template}', '**/.lpg.json']);
  });

  it('follows incremental typing keystroke by keystroke: intact blocks keep their findings, parse-error only once the authority answered', async () => {
    root = makeWorkspace({ 'main.tf': PERM });
    c = new TestClient({ root, settings: { '*': { debounceMs: 0 } } });
    await c.initialize();
    const uri = await c.open(path.join(root, 'main.tf'));
    await c.current(uri, (ds) => ds.length === 1);
    const typed = `resource "aws_lambda_permission" "sns" {\n  principal = "sns.amazonaws.com"\n}\n`;
    for (let i = 0; i < typed.length; i++) {
      await c.insertAt(uri, c.text(uri).length, typed[i]);
      // the first publication of each version: computed from the kept tree-sitter tree
      const v = c.version(uri);
      await c.diagnostics(uri, (_d, p) => p.version === v, `first publication of version ${v}`);
      const first = c.publications.find((p) => p.uri === uri && p.version === v)!;
      assert.ok(first.diagnostics.some((d) => d.code === 'missing-source-arn' && d.range.start.line === 3 && d.range.start.character === 18 && d.range.end.character === 44),
        `after typing ${JSON.stringify(typed.slice(0, i + 1))}: the first block's finding must stay, got ${JSON.stringify(summary(first.diagnostics))}`);
      // tree-sitter's own error ('syntax error', 'missing X') is never published; HashiCorp's may be, when its detached
      // check of this very text answered before the validation of the keystroke published (a race the server allows)
      assert.ok(!first.diagnostics.some((d) => d.code === 'parse-error' && /^(syntax error|missing )/.test(d.message)), `parse-error before the syntax check answered (${JSON.stringify(typed.slice(0, i + 1))}): ${JSON.stringify(summary(first.diagnostics))}`);
    }
    assert.strictEqual(c.text(uri), PERM + typed);
    const done = await c.current(uri, (ds) => ds.length === 2);
    assert.deepStrictEqual(summary(done), ['missing-source-arn@3:18-3:44', 'missing-source-arn@6:14-6:33']);
  });

  it('typing inside an open string: the parse-error stays published at every keystroke (no blink while HashiCorp re-checks)', async () => {
    const broken = PERM.replace('"apigateway.amazonaws.com"', '"apigateway.amazonaws.com"') + `resource "aws_lambda_permission" "sns" {\n  principal = "sns\n}\n`;
    root = makeWorkspace({ 'main.tf': broken });
    c = new TestClient({ root, settings: { '*': { debounceMs: 0 } } });
    await c.initialize();
    const uri = await c.open(path.join(root, 'main.tf'));
    const ds = await c.current(uri, (d) => d.some((x) => x.code === 'parse-error'), 'HashiCorp\'s parse-error');
    const perr = ds.find((x) => x.code === 'parse-error')!;
    assert.match(perr.message, /^Invalid multi-line string/);
    assert.strictEqual(perr.range.start.line, 6);
    const from = c.publications.length;
    // characters typed inside the open string, before HashiCorp's check of each new text can answer
    const at = broken.indexOf('"sns\n') + 4;
    for (let i = 0; i < 6; i++) {
      const v = await c.insertAt(uri, at + i, 'x');
      await c.diagnostics(uri, (_d, p) => p.version === v, `diagnostics of version ${v}`);
    }
    const after = c.publications.slice(from).filter((p) => p.uri === uri);
    assert.ok(after.length >= 6, `${after.length} publications`);
    for (const p of after) {
      const e = p.diagnostics.filter((x) => x.code === 'parse-error');
      assert.strictEqual(e.length, 1, `version ${p.version}: ${JSON.stringify(summary(p.diagnostics))}`);
      assert.match(e[0].message, /^Invalid multi-line string/);
      assert.strictEqual(e[0].range.start.line, 6);
    }
    // closing the string: the parse-error goes
    await c.insertAt(uri, at + 6, '"');
    await c.current(uri, (d) => !d.some((x) => x.code === 'parse-error'), 'no parse-error once the string is closed');
  });

  it('a block typed above an intact one: the intact block keeps its finding, HCL\'s parse-error appears at the unclosed brace', async () => {
    root = makeWorkspace({ 'main.tf': PERM });
    c = new TestClient({ root, settings: { '*': { debounceMs: 0 } } });
    await c.initialize();
    const uri = await c.open(path.join(root, 'main.tf'));
    await c.current(uri, (ds) => ds.length === 1);
    // an unfinished block before the intact one (tree-sitter nests the intact block inside it)
    await c.insertAt(uri, 0, 'resource "aws_lambda_permission" "x" {\n  principal = "events.amazonaws.com"\n\n');
    const ds = await c.current(uri, (d) => d.some((x) => x.code === 'parse-error'), 'the parse-error');
    assert.deepStrictEqual(summary(ds), ['parse-error@0:37-0:38', 'missing-source-arn@1:14-1:36', 'missing-source-arn@6:18-6:44']);
    const perr = ds.find((x) => x.code === 'parse-error')!;
    assert.strictEqual(perr.severity, DiagnosticSeverity.Error);
    assert.strictEqual(covered(c.text(uri), perr.range), '{');
    assert.match(perr.message, /^Unclosed configuration block; There is no closing brace for this block before the end of the file\./);
    // typing the closing brace makes the file parse again
    await c.insertAt(uri, c.text(uri).indexOf('\n\n') + 1, '}\n');
    const fixed = await c.current(uri, (d) => !d.some((x) => x.code === 'parse-error') && d.length === 2);
    assert.deepStrictEqual(summary(fixed), ['missing-source-arn@1:14-1:36', 'missing-source-arn@7:18-7:44']);
  });

  it('an unclosed quote above an intact block: its finding stays (last good parse) next to the parse-error', async () => {
    root = makeWorkspace({ 'main.tf': PERM });
    c = new TestClient({ root, settings: { '*': { debounceMs: 0 } } });
    await c.initialize();
    const uri = await c.open(path.join(root, 'main.tf'));
    await c.current(uri, (ds) => ds.length === 1);
    await c.insertAt(uri, 0, 'resource "aws_lambda_permission" "x" {\n  principal = "sns\n\n');
    const ds = await c.current(uri, (d) => d.some((x) => x.code === 'parse-error'), 'the parse-error');
    assert.deepStrictEqual(summary(ds.filter((x) => x.code !== 'parse-error')), ['missing-source-arn@6:18-6:44']);
    assert.strictEqual(covered(c.text(uri), ds.find((x) => x.code === 'missing-source-arn')!.range), '"apigateway.amazonaws.com"');
  });

  it('republishes another open file of the folder when an edit changes its findings', async () => {
    root = makeWorkspace({ 'locals.tf': LOCALS, 'api.tf': VIA_LOCAL });
    c = new TestClient({ root, settings: { '*': { debounceMs: 0 } } });
    await c.initialize();
    const api = await c.open(path.join(root, 'api.tf'));
    const loc = await c.open(path.join(root, 'locals.tf'));
    const before = await c.current(api, (ds) => ds.length === 1);
    assert.deepStrictEqual(summary(before), ['missing-source-arn@3:18-3:33']);
    assert.strictEqual(covered(VIA_LOCAL, before[0].range), 'local.principal');
    await c.current(loc, (ds) => ds.length === 0);
    const seq = c.publications.length;
    // locals.tf: the principal becomes an account id: api.tf's finding goes away
    const text = c.text(loc);
    const s = text.indexOf('"apigateway.amazonaws.com"');
    await c.change(loc, [{ range: { start: positionAt(text, s), end: positionAt(text, s + '"apigateway.amazonaws.com"'.length) }, newText: '"123456789012"' }]);
    await c.until('api.tf republished empty', () => c.publications.slice(seq).some((p) => p.uri === api && p.diagnostics.length === 0));
    await c.current(loc, () => true);
    // and back: the finding returns in api.tf
    const seq2 = c.publications.length;
    const t2 = c.text(loc);
    const s2 = t2.indexOf('"123456789012"');
    await c.change(loc, [{ range: { start: positionAt(t2, s2), end: positionAt(t2, s2 + 14) }, newText: '"sns.amazonaws.com"' }]);
    await c.until('api.tf republished with the finding', () => c.publications.slice(seq2).some((p) => p.uri === api && p.diagnostics.length === 1));
    assert.match(c.latest.get(api)!.diagnostics[0].message, /lets sns\.amazonaws\.com invoke/);
  });

  it('relatedInformation points at the other resources of a cross-resource finding, in other files too', async () => {
    const lambda = `resource "aws_lambda_function" "f" {\n  function_name = "orders"\n}\nresource "aws_lambda_permission" "api" {\n  action        = "lambda:InvokeFunction"\n  function_name = aws_lambda_function.f.function_name\n  principal     = "apigateway.amazonaws.com"\n  source_arn    = "\${aws_api_gateway_rest_api.admin.execution_arn}/*/*"\n}\nresource "aws_api_gateway_rest_api" "admin" {\n  name = "admin"\n}\n`;
    const api = `resource "aws_api_gateway_rest_api" "api" {\n  name = "api"\n}\n\nresource "aws_api_gateway_integration" "int" {\n  rest_api_id             = aws_api_gateway_rest_api.api.id\n  type                    = "AWS_PROXY"\n  uri                     = aws_lambda_function.f.invoke_arn\n}\n`;
    root = makeWorkspace({ 'lambda.tf': lambda, 'api.tf': api });
    c = new TestClient({ root });
    await c.initialize();
    const uri = await c.open(path.join(root, 'lambda.tf'));
    const [d] = await c.current(uri, (ds) => ds.some((x) => x.code === 'source-arn-mismatch'));
    assert.strictEqual(d.code, 'source-arn-mismatch');
    assert.strictEqual(covered(lambda, d.range), '"${aws_api_gateway_rest_api.admin.execution_arn}/*/*"');
    const rel = d.relatedInformation!.map((r) => [r.location.uri === uri ? 'lambda.tf' : r.location.uri === uriOf(path.join(root, 'api.tf')) ? 'api.tf' : r.location.uri, r.location.range.start.line, r.message]);
    assert.deepStrictEqual(rel, [
      ['lambda.tf', 3, 'permission aws_lambda_permission.api'],
      ['api.tf', 4, 'trigger aws_api_gateway_integration.int'],
      ['lambda.tf', 0, 'function aws_lambda_function.f'],
      ['api.tf', 0, 'invoker aws_api_gateway_rest_api.api'],
    ]);
  });

  it('reads unopened files of the folder from disk and follows them through didChangeWatchedFiles', async () => {
    root = makeWorkspace({ 'locals.tf': LOCALS, 'api.tf': VIA_LOCAL });
    c = new TestClient({ root });
    await c.initialize();
    const api = await c.open(path.join(root, 'api.tf'));
    await c.current(api, (ds) => ds.length === 1);
    const seq = c.publications.length;
    fs.writeFileSync(path.join(root, 'locals.tf'), LOCALS.replace('apigateway.amazonaws.com', '123456789012'));
    await c.watched([{ uri: uriOf(path.join(root, 'locals.tf')), type: FileChangeType.Changed }]);
    await c.until('api.tf republished empty', () => c.publications.slice(seq).some((p) => p.uri === api && p.diagnostics.length === 0));
    // deleting the locals leaves local.principal unknown: still nothing reported (never guess)
    const seq2 = c.publications.length;
    fs.writeFileSync(path.join(root, 'locals.tf'), LOCALS);
    await c.watched([{ uri: uriOf(path.join(root, 'locals.tf')), type: FileChangeType.Changed }]);
    await c.until('api.tf republished with the finding', () => c.publications.slice(seq2).some((p) => p.uri === api && p.diagnostics.length === 1));
    const seq3 = c.publications.length;
    fs.unlinkSync(path.join(root, 'locals.tf'));
    await c.watched([{ uri: uriOf(path.join(root, 'locals.tf')), type: FileChangeType.Deleted }]);
    await c.until('api.tf republished empty after the delete', () => c.publications.slice(seq3).some((p) => p.uri === api && p.diagnostics.length === 0));
  });

  it('settings: a rule set to off removes its diagnostics, a severity override changes them, per folder', async () => {
    const a = makeWorkspace({ 'main.tf': PERM });
    const b = makeWorkspace({ 'main.tf': PERM });
    root = a;
    c = new TestClient({ root: a, folders: [a, b], settings: {} });
    await c.initialize();
    const ua = await c.open(path.join(a, 'main.tf'));
    const ub = await c.open(path.join(b, 'main.tf'));
    await c.current(ua, (ds) => ds.length === 1 && ds[0].severity === DiagnosticSeverity.Warning);
    await c.current(ub, (ds) => ds.length === 1);
    await c.setSettings({ [uriOf(a)]: { rules: { 'missing-source-arn': 'off' } }, [uriOf(b)]: { rules: { 'missing-source-arn': 'error' } } });
    await c.diagnostics(ua, (ds) => ds.length === 0, 'folder a: rule off');
    await c.diagnostics(ub, (ds) => ds.length === 1 && ds[0].severity === DiagnosticSeverity.Error, 'folder b: severity error');
    assert.ok(c.configRequests.some((r) => r.scopeUri === uriOf(b)));
    // the folder's .lpg.json applies too; editor settings win per rule
    fs.writeFileSync(path.join(a, '.lpg.json'), JSON.stringify({ rules: { 'missing-source-arn': 'info' } }));
    await c.setSettings({});
    await c.diagnostics(ua, (ds) => ds.length === 1 && ds[0].severity === DiagnosticSeverity.Information, 'folder a: .lpg.json info');
    await c.diagnostics(ub, (ds) => ds.length === 1 && ds[0].severity === DiagnosticSeverity.Warning, 'folder b: default');
    // .lpg.json changes arrive as watched-file events
    fs.writeFileSync(path.join(a, '.lpg.json'), JSON.stringify({ ignore: ['main.tf'] }));
    await c.watched([{ uri: uriOf(path.join(a, '.lpg.json')), type: FileChangeType.Changed }]);
    await c.diagnostics(ua, (ds) => ds.length === 0, 'folder a: file ignored by .lpg.json');
  });

  it('workspace folders added later get their own settings and are scanned', async () => {
    const a = makeWorkspace({ 'main.tf': PERM });
    const b = makeWorkspace({ 'main.tf': PERM });
    root = a;
    c = new TestClient({ root: a, settings: { [uriOf(b)]: { rules: { 'missing-source-arn': 'info' } } } });
    await c.initialize();
    await c.conn.sendNotification(DidChangeWorkspaceFoldersNotification.type, { event: { added: [{ uri: uriOf(b), name: 'b' }], removed: [] } });
    const ub = await c.open(path.join(b, 'main.tf'));
    await c.current(ub, (ds) => ds.length === 1 && ds[0].severity === DiagnosticSeverity.Information);
    assert.ok(c.configRequests.some((r) => r.scopeUri === uriOf(b)));
    const r = await c.executeCommand('lpg.scanWorkspace', [], 'wf') as { folders: number };
    assert.strictEqual(r.folders, 2);
    await c.diagnostics(uriOf(path.join(a, 'main.tf')), (ds) => ds.length === 1 && ds[0].severity === DiagnosticSeverity.Warning);
  });

  it('settings: run onSave validates on save only; lpg.exclude silences a file; files over maxFileSizeMB are skipped with a message', async () => {
    root = makeWorkspace({ 'main.tf': PERM, 'gen/big.tf': PERM + '#'.repeat(3000) + '\n', 'gen2/x.tf': PERM });
    c = new TestClient({ root, settings: { '*': { run: 'onSave', maxFileSizeMB: 0.002, exclude: ['gen2'] } }, initializationOptions: { status: true } });
    await c.initialize();
    const uri = await c.open(path.join(root, 'main.tf'));
    await c.current(uri, (ds) => ds.length === 1);
    await c.insertAt(uri, PERM.indexOf('  action'), '  source_arn    = "arn:aws:execute-api:us-east-1:123456789012:abc/*/*"\n');
    const v = c.version(uri);
    assert.ok(!c.publications.some((p) => p.uri === uri && p.version === v), 'published before the save');
    await c.save(uri);
    await c.current(uri, (ds) => ds.length === 0);
    await c.until('a status after the validation', () => c.statuses.some((x) => x.state === 'idle' && x.uri === uri));
    const st = c.statuses.find((x) => x.state === 'idle')!;
    assert.strictEqual(typeof st.durationMs, 'number');
    assert.strictEqual(st.slow, false);
    const big = await c.open(path.join(root, 'gen/big.tf'));
    await c.until('the size message', () => c.messages.some((m) => m.message.startsWith('skipped big.tf:')));
    assert.deepStrictEqual(c.messages.find((m) => m.message.startsWith('skipped big.tf:'))!.message, 'skipped big.tf: 4 KB is over lpg.maxFileSizeMB (0.002)');
    assert.deepStrictEqual(await c.current(big), []);
    const ex = await c.open(path.join(root, 'gen2/x.tf'));
    assert.deepStrictEqual(await c.current(ex), []);
  });
});
