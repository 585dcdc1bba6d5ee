/**
 * The web extension's `vscode-languageclient/node`: scripts/build.mjs aliases that module to this one
 * in the browser bundle, so client/src/extension.ts (commands, status item, scan results) runs
 * unchanged in VS Code for the Web. LanguageClient here is the browser client over the server's Web
 * Worker (made by client/src/browser.ts); the server options of the Node client are ignored, and
 * the document selector accepts every scheme (a web workspace is `vscode-vfs:`, `vscode-remote:`...).
 */
import { LanguageClient as BrowserLanguageClient, type LanguageClientOptions, type DocumentSelector } from 'vscode-languageclient/browser';

export * from 'vscode-languageclient/browser';

/** Not used in the browser; kept for the Node client's server options. */
export enum TransportKind { stdio = 0, ipc = 1, pipe = 2, socket = 3 }
export type ServerOptions = unknown;

let makeWorker: (() => Worker) | undefined;
let current: BrowserLanguageClient | undefined;

export function setServerWorker(f: () => Worker): void { makeWorker = f; }
export function currentClient(): BrowserLanguageClient | undefined { return current; }

function anyScheme(sel: DocumentSelector | undefined): DocumentSelector | undefined {
  return sel?.map((s) => (typeof s === 'string' ? s : (({ scheme: _scheme, ...rest }) => rest)(s as { scheme?: string }))) as DocumentSelector | undefined;
}

export class LanguageClient extends BrowserLanguageClient {
  constructor(id: string, name: string, _server: unknown, options: LanguageClientOptions) {
    if (!makeWorker) throw new Error('the server worker is not prepared (client/src/browser.ts)');
    super(id, name, { ...options, documentSelector: anyScheme(options.documentSelector) }, makeWorker());
    current = this;
  }
}
