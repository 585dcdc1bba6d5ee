/** The server in-process: a quick fix whose result would not re-parse, or would set an attribute twice, is not offered (and the log says why). */
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
import type { Rule } from '../../../server/src/core/rules/rule';

/** A rule offering three fixes at the block's `}`: one duplicates `principal`, one breaks the syntax, one is fine. */
const offers: Rule = {
  meta: { id: 'offers', severity: 'warning', kind: 'exposure', title: 'offers fixes', docs: 'offers fixes' },
  check(ctx) {
    const f = ctx.file('main.tf');
    const at = f.text.indexOf('}');
    const fix = (title: string, newText: string) => ({ title, preferred: false, edits: [{ file: 'main.tf', start: at, end: at, newText }] });
    ctx.report({ file: 'main.tf', span: { start: 0, end: 8 }, message: 'offers', fixes: [fix('dup', '  principal = "x"\n'), fix('broken', '  x = {\n'), fix('fine', '  # fine\n')] });
  },
};

describe('language server: quick fixes are re-parsed', () => {
  it('fixes that would duplicate an attribute or break the syntax are left out with a log line', async () => {
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    const conn = createConnection(ProposedFeatures.all, new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
    new LpgServer(conn, { ruleSet: [offers] }).listen();
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
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpg-qf-'));
      const file = path.join(dir, 'main.tf');
      const text = 'resource "aws_lambda_permission" "a" {\n  principal = "*"\n}\n';
      fs.writeFileSync(file, text);
      const uri = pathToFileURL(file).href;
      await client.sendRequest(InitializeRequest.type, { processId: null, rootUri: pathToFileURL(dir).href, capabilities: {}, workspaceFolders: null });
      await client.sendNotification(InitializedNotification.type, {});
      await client.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'terraform', version: 1, text } });
      await until(() => !!published && published.diagnostics.length > 0);
      const actions = await client.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: published!.diagnostics[0].range, context: { diagnostics: published!.diagnostics } }) as CodeAction[];
      assert.deepStrictEqual(actions.map((a) => a.title), ['fine', 'Ignore offers for this block']);
      assert.deepStrictEqual(logs.filter((l) => l.startsWith('lpg: quick fix')), [
        'lpg: quick fix "dup" left out: it would set attribute "principal" in resource "aws_lambda_permission" "a" twice in main.tf',
        'lpg: quick fix "broken" left out: it would leave a syntax error at 5:1 (missing }) in main.tf',
      ]);
    } finally {
      client.dispose();
      conn.dispose();
    }
  });
});
