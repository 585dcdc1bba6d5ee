/**
 * The extension in a real VS Code extension host, through the `vscode` API only: diagnostics from
 * the bundled server, code actions, the palette commands and settings. Runs against a copy of
 * test/fixtures/vscode-workspace opened as the workspace folder.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'guardrail.lambda-permission-guard';

interface Api {
  client(): { state: number } | undefined;
  ready(): Promise<void>;
  status(): { text: string; detail?: string; busy: boolean };
  lastScan(): { findings: number; files: number } | undefined;
}

function file(rel: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, rel);
}

/** A file's text on disk, through the workspace file system (works in the Node and the web extension host). */
async function diskText(uri: vscode.Uri): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

function ruleOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' && d.code !== null ? String(d.code.value) : String(d.code);
}

function lpg(uri: vscode.Uri, rule?: string): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'lpg' && (!rule || ruleOf(d) === rule));
}

/** Polls (bounded, never a fixed sleep) until `fn` returns a truthy value. */
async function waitFor<T>(what: string, fn: () => T | Promise<T>, timeoutMs = 60_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function range(d: vscode.Diagnostic | vscode.Range): [number, number, number, number] {
  const r = 'range' in d ? d.range : d;
  return [r.start.line, r.start.character, r.end.line, r.end.character];
}

async function open(rel: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(file(rel));
  return vscode.window.showTextDocument(doc, { preview: false });
}

async function closeAll(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

describe('Lambda Permission Guard in the VS Code extension host', () => {
  let api: Api;

  before(async () => {
    const ext = vscode.extensions.getExtension<Api>(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is installed`);
    api = await ext.activate();
    await api.ready();
  });

  after(async () => {
    await vscode.workspace.getConfiguration('lpg').update('rules', undefined, vscode.ConfigurationTarget.Workspace);
    await closeAll();
  });

  it('activates, starts the bundled server and shows a status item', async () => {
    assert.equal(api.client()?.state, 2 /* State.Running */);
    assert.match(api.status().text, /Lambda Permission Guard: (ready|checking|starting)/);
  });

  it('reports missing-source-arn in a .tf file with the exact range, severity, rule id and docs link', async () => {
    const editor = await open('api/permission.tf');
    const uri = editor.document.uri;
    assert.equal(editor.document.languageId, 'terraform');
    const [d] = await waitFor('missing-source-arn diagnostic', () => { const l = lpg(uri, 'missing-source-arn'); return l.length ? l : undefined; });
    assert.deepEqual(range(d), [5, 18, 5, 44]);
    assert.equal(editor.document.getText(d.range), '"apigateway.amazonaws.com"');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
    assert.ok(d.message.length > 10, d.message);
    assert.ok(typeof d.code === 'object' && String(d.code.target).includes('missing-source-arn'), 'code carries a docs link');
    assert.deepEqual(lpg(uri).map(ruleOf), ['missing-source-arn']);
  });

  it('offers the source_arn quick fix and applying it removes the finding', async () => {
    const editor = await open('api/permission.tf');
    const uri = editor.document.uri;
    const [d] = await waitFor('missing-source-arn diagnostic', () => { const l = lpg(uri, 'missing-source-arn'); return l.length ? l : undefined; });
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, d.range);
    const titles = actions.map((a) => a.title);
    const fix = actions.find((a) => a.title.startsWith('Add source_arn'));
    assert.ok(fix, `quick fixes: ${JSON.stringify(titles)}`);
    assert.ok(fix.kind && vscode.CodeActionKind.QuickFix.contains(fix.kind));
    assert.ok(actions.some((a) => a.title === 'Ignore missing-source-arn for this block'), JSON.stringify(titles));
    assert.ok(fix.edit, 'the fix carries its edit');
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(editor.document.getText(), [
      '# Lets API Gateway call the orders function, but from any API in any account.',
      'resource "aws_lambda_permission" "api" {',
      '  statement_id  = "AllowAPIGatewayInvoke"',
      '  action        = "lambda:InvokeFunction"',
      '  function_name = "orders"',
      '  principal     = "apigateway.amazonaws.com"',
      '  source_arn    = "arn:aws:execute-api:region:account:api-id/*/*"',
      '}',
      '',
    ].join('\n'));
    await waitFor('missing-source-arn to go away', () => lpg(uri, 'missing-source-arn').length === 0);
    assert.ok(await editor.document.save());
    assert.equal(await diskText(uri), editor.document.getText());
  });

  it('checks IAM policy JSON files (json language) and fixes them', async () => {
    const editor = await open('policies/resource-policy.json');
    const uri = editor.document.uri;
    assert.equal(editor.document.languageId, 'json');
    const [d] = await waitFor('missing-source-arn in JSON', () => { const l = lpg(uri, 'missing-source-arn'); return l.length ? l : undefined; });
    assert.deepEqual(range(d), [6, 32, 6, 54]);
    assert.equal(editor.document.getText(d.range), '"events.amazonaws.com"');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, d.range);
    const fix = actions.find((a) => a.title.startsWith('Add aws:SourceArn condition'));
    assert.ok(fix?.edit, JSON.stringify(actions.map((a) => a.title)));
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(editor.document.getText().split('\n')[9],
      '      "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:events:region:account:rule/rule"}}');
    await waitFor('JSON finding to go away', () => lpg(uri).length === 0);
    // undo, so the rule-settings test below has a finding to switch off
    await vscode.commands.executeCommand('undo');
    await waitFor('JSON finding to come back after undo', () => lpg(uri, 'missing-source-arn').length === 1);
  });

  it('turning a rule off in the settings removes its diagnostics, turning it on brings them back', async () => {
    const editor = await open('policies/resource-policy.json');
    const uri = editor.document.uri;
    await waitFor('missing-source-arn in JSON', () => lpg(uri, 'missing-source-arn').length === 1);
    const cfg = vscode.workspace.getConfiguration('lpg');
    await cfg.update('rules', { 'missing-source-arn': 'off' }, vscode.ConfigurationTarget.Workspace);
    await waitFor('diagnostics of a rule set to off to disappear', () => lpg(uri, 'missing-source-arn').length === 0);
    await cfg.update('rules', { 'missing-source-arn': 'error' }, vscode.ConfigurationTarget.Workspace);
    const [d] = await waitFor('the rule back as an error', () => { const l = lpg(uri, 'missing-source-arn'); return l.length && l[0].severity === vscode.DiagnosticSeverity.Error ? l : undefined; });
    assert.deepEqual(range(d), [6, 32, 6, 54]);
    await cfg.update('rules', undefined, vscode.ConfigurationTarget.Workspace);
    await waitFor('the default severity back', () => lpg(uri, 'missing-source-arn')[0]?.severity === vscode.DiagnosticSeverity.Warning);
  });

  it('"Fix All in File" applies the preferred fixes (source.fixAll.lpg)', async () => {
    const editor = await open('notify/permission.tf');
    const uri = editor.document.uri;
    const [d] = await waitFor('broad-permission-action', () => { const l = lpg(uri, 'broad-permission-action'); return l.length ? l : undefined; });
    assert.deepEqual(range(d), [2, 18, 2, 28]);
    const whole = new vscode.Range(0, 0, editor.document.lineCount, 0);
    const fixAll = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, whole, 'source.fixAll.lpg');
    assert.equal(fixAll.length, 1, JSON.stringify(fixAll.map((a) => [a.title, a.kind?.value])));
    assert.equal(fixAll[0].kind?.value, 'source.fixAll.lpg');
    assert.equal(await vscode.commands.executeCommand('lambdaPermissionGuard.fixAllInFile'), true);
    assert.equal(editor.document.getText(), [
      'resource "aws_lambda_permission" "sns" {',
      '  statement_id  = "AllowSNS"',
      '  action        = "lambda:InvokeFunction"',
      '  function_name = "notifier"',
      '  principal     = "sns.amazonaws.com"',
      '  source_arn    = "arn:aws:sns:us-east-1:123456789012:orders"',
      '}',
      '',
    ].join('\n'));
    await waitFor('broad-permission-action to go away', () => lpg(uri).length === 0);
  });

  it('editor.codeActionsOnSave with source.fixAll.lpg fixes the file when it is saved', async () => {
    const uri = file('onsave/permission.tf');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode([
      'resource "aws_lambda_permission" "events" {',
      '  action        = "lambda:*"',
      '  function_name = "nightly"',
      '  principal     = "events.amazonaws.com"',
      '  source_arn    = "arn:aws:events:us-east-1:123456789012:rule/nightly"',
      '}',
      '',
    ].join('\n')));
    const editor = await open('onsave/permission.tf');
    await waitFor('broad-permission-action', () => lpg(uri, 'broad-permission-action').length === 1);
    const cfg = vscode.workspace.getConfiguration('editor', { languageId: 'terraform' });
    await cfg.update('codeActionsOnSave', { 'source.fixAll.lpg': 'explicit' }, vscode.ConfigurationTarget.Workspace, true);
    try {
      // an explicit save (as Ctrl+S), with a change so that there is something to save
      await editor.edit((b) => b.insert(new vscode.Position(6, 0), '# saved\n'));
      await vscode.commands.executeCommand('workbench.action.files.save');
      await waitFor('the fix applied on save', () => editor.document.getText().includes('"lambda:InvokeFunction"') && !editor.document.isDirty);
      assert.equal(await diskText(uri), [
        'resource "aws_lambda_permission" "events" {',
        '  action        = "lambda:InvokeFunction"',
        '  function_name = "nightly"',
        '  principal     = "events.amazonaws.com"',
        '  source_arn    = "arn:aws:events:us-east-1:123456789012:rule/nightly"',
        '}',
        '# saved',
        '',
      ].join('\n'));
      await waitFor('broad-permission-action to go away', () => lpg(uri).length === 0);
    } finally {
      await cfg.update('codeActionsOnSave', undefined, vscode.ConfigurationTarget.Workspace, true);
    }
  });

  it('a permission in another, unopened file of the folder ends the open file\'s outage (cross-file)', async () => {
    const api = file('cross/api.tf');
    const lambda = file('cross/lambda.tf');
    await vscode.workspace.fs.writeFile(api, new TextEncoder().encode([
      'resource "aws_api_gateway_rest_api" "orders" {',
      '  name = "orders-api"',
      '}',
      '',
      'resource "aws_api_gateway_integration" "post" {',
      '  rest_api_id             = aws_api_gateway_rest_api.orders.id',
      '  resource_id             = aws_api_gateway_rest_api.orders.root_resource_id',
      '  http_method             = "POST"',
      '  integration_http_method = "POST"',
      '  type                    = "AWS_PROXY"',
      '  uri                     = aws_lambda_function.orders.invoke_arn',
      '}',
      '',
      'resource "aws_lambda_function" "orders" {',
      '  function_name = "orders"',
      '  role          = "arn:aws:iam::123456789012:role/orders"',
      '  handler       = "index.handler"',
      '  runtime       = "nodejs20.x"',
      '  filename      = "orders.zip"',
      '}',
      '',
    ].join('\n')));
    try {
      const editor = await open('cross/api.tf');
      const [d] = await waitFor('missing-invoke-permission', () => { const l = lpg(editor.document.uri, 'missing-invoke-permission'); return l.length ? l : undefined; });
      assert.equal(editor.document.getText(d.range), 'aws_lambda_function.orders.invoke_arn');
      // the permission arrives in a file that is never opened
      await vscode.workspace.fs.writeFile(lambda, new TextEncoder().encode([
        'resource "aws_lambda_permission" "api" {',
        '  action        = "lambda:InvokeFunction"',
        '  function_name = aws_lambda_function.orders.function_name',
        '  principal     = "apigateway.amazonaws.com"',
        '  source_arn    = "${aws_api_gateway_rest_api.orders.execution_arn}/*/*"',
        '}',
        '',
      ].join('\n')));
      await waitFor('the outage to go once the other file grants the invoke', () => lpg(editor.document.uri, 'missing-invoke-permission').length === 0);
      await vscode.workspace.fs.delete(lambda);
      await waitFor('the outage back once that file is deleted', () => lpg(editor.document.uri, 'missing-invoke-permission').length === 1);
    } finally {
      await closeAll();
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(api, '..'), { recursive: true, useTrash: false });
    }
  });

  it('"Scan Workspace" reports findings of files that are not open; "Clear Scan Results" removes them', async () => {
    await closeAll();
    const unopened = file('shared/public.tf');
    assert.ok(!vscode.workspace.textDocuments.some((t) => t.uri.toString() === unopened.toString()));
    assert.deepEqual(lpg(unopened), []);
    const answer = await vscode.commands.executeCommand<{ findings: number; files: number }>('lambdaPermissionGuard.scanWorkspace');
    assert.ok(answer && answer.findings >= 1 && answer.files >= 4, JSON.stringify(answer));
    const [d] = await waitFor('public-invoke-principal in an unopened file', () => { const l = lpg(unopened, 'public-invoke-principal'); return l.length ? l : undefined; });
    assert.deepEqual(range(d), [4, 18, 4, 21]);
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.match(api.status().text, /last scan: \d+ findings? in \d+ files?/);
    assert.deepEqual(api.lastScan(), { findings: answer.findings, files: answer.files });
    await vscode.commands.executeCommand('lambdaPermissionGuard.clearScanResults');
    await waitFor('scan results to be cleared', () => lpg(unopened).length === 0);
    await waitFor('the status item back to ready', () => /ready/.test(api.status().text));
  });

  it('lpg.scanResults = clearWhenClosed: a scanned file\'s findings go away when its editor is closed', async () => {
    await closeAll();
    const cfg = vscode.workspace.getConfiguration('lpg');
    await cfg.update('scanResults', 'clearWhenClosed', vscode.ConfigurationTarget.Workspace);
    try {
      const scanned = file('shared/public.tf');
      await vscode.commands.executeCommand('lambdaPermissionGuard.scanWorkspace');
      await waitFor('scan findings of the unopened file', () => lpg(scanned, 'public-invoke-principal').length === 1);
      const doc = await vscode.workspace.openTextDocument(scanned);
      await vscode.window.showTextDocument(doc);
      await waitFor('findings of the open file', () => lpg(scanned, 'public-invoke-principal').length === 1);
      await closeAll();
      await waitFor('findings of the closed file to be cleared', () => lpg(scanned).length === 0);
      // reopened: its findings are back
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(scanned));
      await waitFor('findings of the reopened file', () => lpg(scanned, 'public-invoke-principal').length === 1);
      await closeAll();
      await waitFor('findings of the closed file to be cleared again', () => lpg(scanned).length === 0);
      // another scanned, never opened file keeps its findings
      assert.equal(lpg(file('policies/resource-policy.json'), 'missing-source-arn').length, 1);
    } finally {
      await cfg.update('scanResults', undefined, vscode.ConfigurationTarget.Workspace);
      await vscode.commands.executeCommand('lambdaPermissionGuard.clearScanResults');
    }
  });

  it('"Restart Server" restarts the server and diagnostics come back', async () => {
    const editor = await open('shared/public.tf');
    await waitFor('public-invoke-principal', () => lpg(editor.document.uri, 'public-invoke-principal').length === 1);
    await vscode.commands.executeCommand('lambdaPermissionGuard.restartServer');
    assert.equal(api.client()?.state, 2);
    await waitFor('diagnostics after restart', () => lpg(editor.document.uri, 'public-invoke-principal').length === 1);
    await vscode.commands.executeCommand('lambdaPermissionGuard.showOutput');
  });
});
