/**
 * dist/browser/server.js: the language server in a Web Worker (VS Code for the Web). The web
 * extension (client/src/browser.ts) starts this worker and posts one boot message first: the two
 * tree-sitter WASM files (bytes, read from the extension's own URI) and the workspace files read so
 * far (through `vscode.workspace.fs`). The rest and later changes arrive as `lpg/files` notifications. The LSP connection then runs over the worker's messages; LpgServer is the same
 * class as on Node, with the HashiCorp syntax checker left out (a Node worker thread): syntax errors
 * are tree-sitter's.
 */
import { BrowserMessageReader, BrowserMessageWriter, createConnection, ExecuteCommandRequest, ProposedFeatures, type ExecuteCommandParams } from 'vscode-languageserver/browser';
import { initParser } from '../../core/parse/treesitter';
import { docsLocation, uriMapping } from '../convert';
import { LpgServer } from '../server';
import { setFile } from './vfs';
import { browserPathToUri, uriToBrowserPath } from './uri';

export interface BootMessage { lpgBoot: { wasm: { runtime: Uint8Array; grammar: Uint8Array }; files: { uri: string; text: string }[]; loading?: boolean; docs?: string } }
/** Files added or changed (text) or gone (no text); `done` once the client's first read of the workspace is complete. */
export interface FilesNotification { files: { uri: string; text?: string }[]; done?: boolean }

const g = globalThis as unknown as { setImmediate?: (f: () => void) => unknown };
g.setImmediate ??= (f: () => void) => setTimeout(f, 0);

function boot(ev: MessageEvent): void {
  const data = ev.data as BootMessage | undefined;
  if (!data || !data.lpgBoot) return;
  self.removeEventListener('message', boot);
  uriMapping.toPath = uriToBrowserPath;
  uriMapping.toUri = browserPathToUri;
  if (data.lpgBoot.docs) docsLocation.base = data.lpgBoot.docs; // the rule pages shipped in the extension
  for (const f of data.lpgBoot.files) { const p = uriToBrowserPath(f.uri); if (p) setFile(p, f.text); }
  const parser = initParser({ runtime: data.lpgBoot.wasm.runtime, grammar: data.lpgBoot.wasm.grammar });
  const connection = createConnection(ProposedFeatures.all, new BrowserMessageReader(self as unknown as Worker), new BrowserMessageWriter(self as unknown as Worker));
  parser.catch((e) => {
    const msg = 'lpg: tree-sitter init: ' + String((e as Error)?.stack ?? e);
    console.error(msg);
    connection.console.error(msg);
  });
  let loaded = () => {};
  const complete = data.lpgBoot.loading ? new Promise<void>((r) => { loaded = r; }) : Promise.resolve();
  connection.onNotification('lpg/files', (n: FilesNotification) => {
    for (const f of n.files ?? []) { const p = uriToBrowserPath(f.uri); if (p) setFile(p, f.text); }
    if (n.done) loaded();
  });
  // Scan Workspace walks the copy: it waits until the client has read the whole workspace once
  const onRequest = connection.onRequest.bind(connection) as (type: unknown, handler: (...a: unknown[]) => unknown) => unknown;
  (connection as { onRequest: unknown }).onRequest = (type: unknown, handler: (...a: unknown[]) => unknown) => onRequest(type, type === ExecuteCommandRequest.type
    ? async (p: unknown, ...rest: unknown[]) => { if ((p as ExecuteCommandParams).command === 'lpg.scanWorkspace') await complete; return handler(p, ...rest); }
    : handler);
  const server = new LpgServer(connection, {});
  server.listen();
  connection.listen();
}

self.addEventListener('message', boot);
