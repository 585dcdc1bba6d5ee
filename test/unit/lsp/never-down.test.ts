/** The server in-process over in-memory streams, with a rule that throws: it costs that rule's findings and a log line, nothing more. */
import { PassThrough } from 'stream';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { InitializeRequest, InitializedNotification, DidOpenTextDocumentNotification, PublishDiagnosticsNotification, LogMessageNotification, CodeActionRequest, type PublishDiagnosticsParams, type CodeAction } from 'vscode-languageserver-protocol';
import { assert } from '../helpers';
import { LpgServer } from '../../../server/src/lsp/server';
import { allRules } from '../../../server/src/core/rules';
import type { Rule } from '../../../server/src/core/rules/rule';

const boom: Rule = {
  meta: { id: 'boom', severity: 'error', kind: 'exposure', title: 'throws', docs: 'throws' },
  check() { throw new Error('kaboom'); },
};

describe('language server: never down', () => {
  it('a throwing rule is logged; the other rules still report and code actions still answer', async () => {
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    const conn = createConnection(ProposedFeatures.all, new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
    new LpgServer(conn, { ruleSet: [boom, ...allRules] }).listen();
    conn.listen();
    const client = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
    const logs: string[] = [];
    let published: PublishDiagnosticsParams | undefined;
    let wake = () => {};
    client.onNotification(LogMessageNotification.type, (p) => { logs.push(p.message); wake(); });
    client.onNotification(PublishDiagnosticsNotification.type, (p) => { published = p; wake(); });
    client.listen();
    const until = (test: () => boolean) => new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('timeout; logs: ' + logs.join('\n'))), 15000);
      wake = () => { if (test()) { clearTimeout(t); resolve(); } };
      wake();
    });
    try {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpg-nd-'));
      const file = path.join(dir, 'main.tf');
      const text = `resource "aws_lambda_permission" "api" {\n  action        = "lambda:InvokeFunction"\n  function_name = "f"\n  principal     = "apigateway.amazonaws.com"\n}\n`;
      fs.writeFileSync(file, text);
      const uri = pathToFileURL(file).href;
      await client.sendRequest(InitializeRequest.type, { processId: null, rootUri: pathToFileURL(dir).href, capabilities: {}, workspaceFolders: null });
      await client.sendNotification(InitializedNotification.type, {});
      await client.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'terraform', version: 1, text } });
      await until(() => !!published && published.diagnostics.length > 0 && logs.some((l) => l.includes('rule boom failed')));
      assert.deepStrictEqual(published!.diagnostics.map((d) => d.code), ['missing-source-arn']);
      assert.ok(logs.some((l) => /^lpg: rule boom failed: Error: kaboom/.test(l)), logs.join('\n'));
      const actions = await client.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: published!.diagnostics[0].range, context: { diagnostics: published!.diagnostics } }) as CodeAction[];
      assert.deepStrictEqual(actions.map((a) => a.title), ['Add source_arn (apigateway ARN format)', 'Ignore missing-source-arn for this block']);
      // a code action on a document the server does not know answers empty, not an error
      assert.deepStrictEqual(await client.sendRequest(CodeActionRequest.type, { textDocument: { uri: uri + 'x' }, range: published!.diagnostics[0].range, context: { diagnostics: [] } }), []);
    } finally {
      client.dispose();
      conn.dispose();
    }
  });
});
