/**
 * The extension's `browser` entry (VS Code for the Web: vscode.dev, github.dev, code-server's web
 * worker extension host). Prepares the language server's Web Worker, then runs the same activation
 * as on Node (client/src/extension.ts, bundled with vscode-languageclient/browser in place of /node).
 *
 * - The server bundle and the tree-sitter WASM files are read from the extension's own URI with
 *   `vscode.workspace.fs` (a `vscode-remote:` URI cannot be loaded by a nested worker: VS Code issue
 *   168942); the worker runs from a blob: URL of the bundle, and the WASM bytes go in its boot message.
 * - The workspace's Terraform and policy files are read with `vscode.workspace.fs` and sent along
 *   (the server has no disk); a file system watcher sends changes as `lpg/files`, then the usual
 *   workspace/didChangeWatchedFiles.
 * Left out in the browser: the CLI, the scan's worker threads and HashiCorp's parser (Node entry).
 */
import * as vscode from 'vscode';
import { DidChangeWatchedFilesNotification, FileChangeType } from 'vscode-languageclient/browser';
import { activate as activateCommon, deactivate as deactivateCommon, type LpgApi } from './extension';
import { currentClient, setServerWorker } from './browser/languageclient';

const PATTERN = '**/{*.tf,*.tf.json,*.tfvars,*.json,*.tpl,*.tftpl}';
const EXCLUDE = '{**/node_modules/**,**/.terraform/**,**/.git/**}';
/** Files larger than this are not sent (as lpg.maxFileSizeMB's default). */
const MAX_BYTES = 4 * 1048576;
const MAX_FILES = 20_000;

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    const st = await vscode.workspace.fs.stat(uri);
    if (st.type !== vscode.FileType.File || st.size > MAX_BYTES) return undefined;
    let text = new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return text;
  } catch { return undefined; }
}

/** Terraform and JSON files of the workspace (JSON only when it may hold a policy, as the server reads them). */
async function workspaceFiles(): Promise<{ uri: string; text: string }[]> {
  const uris = [...await vscode.workspace.findFiles(PATTERN, EXCLUDE, MAX_FILES), ...await vscode.workspace.findFiles('**/.lpg.json', EXCLUDE, 100)];
  const out: { uri: string; text: string }[] = [];
  // a few reads at a time (a virtual workspace reads over the network)
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(16, uris.length) }, async () => {
    while (next < uris.length) {
      const u = uris[next++];
      const text = await readText(u);
      if (text !== undefined && wanted(u, text)) out.push({ uri: u.toString(), text });
    }
  }));
  return out;
}

function wanted(u: vscode.Uri, text: string): boolean {
  const n = u.path.toLowerCase();
  if (n.endsWith('.json') && !n.endsWith('.tf.json') && !n.endsWith('/.lpg.json')) return text.includes('Statement') || text.includes('"Policy"');
  return true;
}

export async function activate(context: vscode.ExtensionContext): Promise<LpgApi> {
  const read = (p: string) => vscode.workspace.fs.readFile(vscode.Uri.joinPath(context.extensionUri, 'dist', p));
  const [serverJs, runtime, grammar, files] = await Promise.all([read('browser/server.js'), read('tree-sitter.wasm'), read('tree-sitter-terraform.wasm'), workspaceFiles()]);
  const serverUrl = URL.createObjectURL(new Blob([serverJs as BlobPart], { type: 'text/javascript' }));
  setServerWorker(() => {
    const w = new Worker(serverUrl, { name: 'lpg language server' });
    // a copy per worker (a restart makes a new one); the files as they are now
    w.postMessage({ lpgBoot: { wasm: { runtime: runtime.slice(), grammar: grammar.slice() }, files } });
    return w;
  });

  const watcher = vscode.workspace.createFileSystemWatcher(PATTERN);
  const changed = async (uri: vscode.Uri, type: FileChangeType) => {
    const c = currentClient();
    if (!c) return;
    const text = type === FileChangeType.Deleted ? undefined : await readText(uri);
    // keep the server's copy in step with the snapshot sent at start
    const i = files.findIndex((f) => f.uri === uri.toString());
    if (text === undefined || !wanted(uri, text)) { if (i >= 0) files.splice(i, 1); } else if (i >= 0) files[i].text = text; else files.push({ uri: uri.toString(), text });
    await c.sendNotification('lpg/files', { files: [{ uri: uri.toString(), text: text !== undefined && wanted(uri, text) ? text : undefined }] });
    await c.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: uri.toString(), type }] });
  };
  watcher.onDidCreate((u) => void changed(u, FileChangeType.Created));
  watcher.onDidChange((u) => void changed(u, FileChangeType.Changed));
  watcher.onDidDelete((u) => void changed(u, FileChangeType.Deleted));
  context.subscriptions.push(watcher);
  return activateCommon(context);
}

export async function deactivate(): Promise<void> { await deactivateCommon(); }
