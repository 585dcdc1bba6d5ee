/**
 * The extension's `browser` entry (VS Code for the Web: vscode.dev, github.dev, code-server's web
 * worker extension host). Prepares the language server's Web Worker, then runs the same activation
 * as on Node (client/src/extension.ts, bundled with vscode-languageclient/browser in place of /node).
 *
 * - The server bundle and the tree-sitter WASM files are read from the extension's own URI with
 *   `vscode.workspace.fs` (a `vscode-remote:` URI cannot be loaded by a nested worker: VS Code issue
 *   168942); the worker runs from a blob: URL of the bundle, and the WASM bytes go in its boot message.
 * - The workspace's Terraform and policy files are read with `vscode.workspace.fs` in the background
 *   once the server runs, and sent as `lpg/files` notifications (the server has no disk), each batch
 *   followed by the usual workspace/didChangeWatchedFiles; a file system watcher sends changes the same way.
 * Left out in the browser: the CLI, the scan's worker threads and HashiCorp's parser (Node entry).
 */
import * as vscode from 'vscode';
import { DidChangeWatchedFilesNotification, FileChangeType } from 'vscode-languageclient/browser';
import { activate as activateCommon, deactivate as deactivateCommon, type LpgApi } from './extension';
import { currentClient, setServerWorker } from './browser/languageclient';

const PATTERN = '**/{*.tf,*.tf.json,*.tfvars,*.json,*.tpl,*.tftpl,*.yaml,*.yml,*.template}';
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

/**
 * Files worth sending: Terraform always; JSON, YAML and .template files only when they may be a policy,
 * a CloudFormation/SAM template or an OpenAPI file it includes (the server applies its own, finer test,
 * scan/plan.ts worthReading, to what it gets); `.lpg.json`.
 */
function wanted(u: vscode.Uri, text: string): boolean {
  const n = u.path.toLowerCase();
  if (n.endsWith('/.lpg.json') || n.endsWith('.tf') || n.endsWith('.tf.json') || n.endsWith('.tfvars') || n.endsWith('.tpl') || n.endsWith('.tftpl')) return true;
  return text.includes('Statement') || text.includes('"Policy"') || text.includes('AWS::') || text.includes('x-amazon-apigateway-integration');
}

/** The server's copy of the workspace files (uri -> text); a restarted server gets it whole in its boot message. */
const copy = new Map<string, string>();
/** Until the first read of the workspace is complete (a Scan Workspace waits for it in the server). */
let loading = true;

async function send(files: { uri: string; text?: string }[], type: FileChangeType, done = false): Promise<void> {
  const c = currentClient();
  if (!c) return;
  await c.sendNotification('lpg/files', { files, done });
  // then the usual event, so that the server re-checks the folders concerned
  if (files.length) await c.sendNotification(DidChangeWatchedFilesNotification.type, { changes: files.map((f) => ({ uri: f.uri, type })) });
}

/**
 * Reads the workspace's Terraform and policy files in the background, after the server started (the
 * open files are checked at once; their folders are re-checked as their other files arrive), a few
 * reads at a time (a virtual workspace reads over the network), sent in batches.
 */
async function loadWorkspace(): Promise<void> {
  try {
    const uris = [...await vscode.workspace.findFiles(PATTERN, EXCLUDE, MAX_FILES), ...await vscode.workspace.findFiles('**/.lpg.json', EXCLUDE, 100)];
    for (let i = 0; i < uris.length; i += 64) {
      const batch = uris.slice(i, i + 64);
      const read = await Promise.all(batch.map(async (u) => ({ u, text: await readText(u) })));
      const files = read.flatMap(({ u, text }) => (text !== undefined && wanted(u, text) && !copy.has(u.toString()) ? [{ uri: u.toString(), text }] : []));
      for (const f of files) copy.set(f.uri, f.text);
      await send(files, FileChangeType.Created);
    }
  } finally {
    loading = false;
    await send([], FileChangeType.Created, true);
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<LpgApi> {
  const read = (p: string) => vscode.workspace.fs.readFile(vscode.Uri.joinPath(context.extensionUri, 'dist', p));
  const [serverJs, runtime, grammar] = await Promise.all([read('browser/server.js'), read('tree-sitter.wasm'), read('tree-sitter-terraform.wasm')]);
  const serverUrl = URL.createObjectURL(new Blob([serverJs as BlobPart], { type: 'text/javascript' }));
  setServerWorker(() => {
    const w = new Worker(serverUrl, { name: 'lpg language server' });
    // a copy per worker (a restart makes a new one): the files read so far
    w.postMessage({ lpgBoot: { wasm: { runtime: runtime.slice(), grammar: grammar.slice() }, files: [...copy].map(([uri, text]) => ({ uri, text })), loading, docs: vscode.Uri.joinPath(context.extensionUri, 'docs', 'rules').toString() + '/' } });
    return w;
  });

  const watcher = vscode.workspace.createFileSystemWatcher(PATTERN);
  const changed = async (uri: vscode.Uri, type: FileChangeType) => {
    const text = type === FileChangeType.Deleted ? undefined : await readText(uri);
    const keep = text !== undefined && wanted(uri, text);
    if (keep) copy.set(uri.toString(), text); else copy.delete(uri.toString());
    await send([{ uri: uri.toString(), text: keep ? text : undefined }], type);
  };
  watcher.onDidCreate((u) => void changed(u, FileChangeType.Created));
  watcher.onDidChange((u) => void changed(u, FileChangeType.Changed));
  watcher.onDidDelete((u) => void changed(u, FileChangeType.Deleted));
  context.subscriptions.push(watcher);
  const api = await activateCommon(context);
  void api.ready().then(loadWorkspace).catch(() => undefined);
  return api;
}

export async function deactivate(): Promise<void> { await deactivateCommon(); }
