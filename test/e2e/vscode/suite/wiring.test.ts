/**
 * The "Lambda wiring" view, the CodeLens and the hovers in the extension host, on a copy of the
 * project's examples/ put into the workspace folder (examples/).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'guardrail.lambda-permission-guard';
/** The repository (this bundle is out/e2e-vscode/suite/index.js inside it). */
const REPO = path.resolve(__dirname, '../../..');

interface WiringItem { label: string; description?: string; icon?: string; tooltip?: string; children?: WiringItem[] }
interface Api { ready(): Promise<void>; wiringItems(): Promise<WiringItem[]> }

async function waitFor<T>(what: string, fn: () => T | Promise<T>, timeoutMs = 60_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const strip = (items: WiringItem[]): WiringItem[] => items.map(({ tooltip: _t, ...rest }) => ({ ...rest, ...(rest.children ? { children: strip(rest.children) } : {}) }));

describe('Lambda wiring: view, CodeLens and hovers (examples/)', () => {
  let api: Api;
  let lambda: vscode.Uri;

  before(async () => {
    const ext = vscode.extensions.getExtension<Api>(EXTENSION_ID);
    assert.ok(ext);
    api = await ext.activate();
    await api.ready();
    const folder = vscode.workspace.workspaceFolders![0].uri;
    fs.cpSync(path.join(REPO, 'examples'), path.join(folder.fsPath, 'examples'), { recursive: true });
    lambda = vscode.Uri.joinPath(folder, 'examples', 'lambda.tf');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(lambda), { preview: false });
    await waitFor('diagnostics of examples/lambda.tf', () => vscode.languages.getDiagnostics(lambda).some((d) => d.source === 'lpg'));
  });

  after(async () => { await vscode.commands.executeCommand('workbench.action.closeAllEditors'); });

  it('the view lists the functions of examples/ with their triggers, verdict icons and reasons', async () => {
    await vscode.commands.executeCommand('lpgWiring.focus');
    const items = await waitFor('the examples folder in the view', async () => {
      const all = await api.wiringItems();
      // one folder alone is shown without its folder node
      return all.find((i) => i.label === 'examples')?.children ?? (all.some((i) => i.label === 'aws_lambda_function.report') ? all : undefined);
    });
    assert.deepStrictEqual(strip(items), [
      { label: 'aws_lambda_function.orders', description: '1 trigger · all permitted', icon: 'symbol-function', children: [
        { label: 'API Gateway: POST /orders', description: 'permitted by aws_lambda_permission.api, aws_lambda_permission.partner', icon: 'pass@testing.iconPassed' },
      ] },
      { label: 'aws_lambda_function.admin', description: '1 trigger · 1 cannot invoke', icon: 'symbol-function@errorForeground', children: [
        { label: 'API Gateway: GET /reports', description: "cannot invoke: the source_arn of aws_lambda_permission.admin never matches aws_api_gateway_rest_api.admin's ARN", icon: 'error@errorForeground' },
      ] },
      { label: 'aws_lambda_function.report', description: '1 trigger · 1 cannot invoke', icon: 'symbol-function@errorForeground', children: [
        { label: 'EventBridge rule: aws_cloudwatch_event_rule.nightly', description: 'cannot invoke: no aws_lambda_permission grants events.amazonaws.com', icon: 'error@errorForeground' },
      ] },
      { label: 'aws_lambda_function.webhook', description: 'no triggers in this folder', icon: 'symbol-function' },
    ]);
  });

  it('CodeLens above each function through vscode.executeCodeLensProvider', async () => {
    const lenses = await waitFor('the lenses of examples/lambda.tf', async () => {
      const ls = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', lambda, 10);
      return ls && ls.length === 4 && ls.every((l) => l.command) ? ls : undefined;
    });
    assert.deepStrictEqual(lenses.map((l) => [l.range.start.line, l.command!.title, l.command!.command]), [
      [14, '1 trigger · all permitted', 'lpg.showWiring'],
      [22, '1 trigger · 1 cannot invoke', 'lpg.showWiring'],
      [30, '1 trigger · 1 cannot invoke', 'lpg.showWiring'],
      [38, 'no triggers in this folder', ''],
    ]);
  });

  it('a hover on the event target\'s function reference names the outage', async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', lambda, new vscode.Position(75, 12));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /\*\*EventBridge rule\*\* `aws_cloudwatch_event_rule\.nightly` → `aws_lambda_function\.report`/);
    assert.match(text, /cannot invoke\*\*: no aws_lambda_permission grants events\.amazonaws\.com/);
  });
});
