/**
 * Starts the language server on the transport named on the command line: `--stdio`, `--node-ipc`
 * or `--socket=N` (vscode-languageserver picks it). Used by dist/server.js and by `lpg lsp`.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { LpgServer } from './server';
import { checkSyntax, hcl2jsonStats } from '../hcl2json';
import { installMemoryProbe } from './memprobe';

export function startServer(): void {
  const connection = createConnection(ProposedFeatures.all);
  // LPG_NO_HCL2JSON=1: syntax errors from tree-sitter only (no worker thread)
  const noHcl = process.env.LPG_NO_HCL2JSON === '1';
  const server = new LpgServer(connection, { checkSyntax: noHcl ? undefined : checkSyntax });
  server.listen();
  installMemoryProbe(connection, () => ({ ...server.memoryStats(), hcl2json: hcl2jsonStats() }));
  process.on('uncaughtException', (e) => { try { connection.console.error('lpg: uncaught: ' + (e.stack ?? e.message)); } catch { /* closed */ } });
  process.on('unhandledRejection', (e) => { try { connection.console.error('lpg: unhandled rejection: ' + String((e as Error)?.stack ?? e)); } catch { /* closed */ } });
  // HashiCorp's parser starts with the first file tree-sitter finds an error in (it is asked only about those):
  // no warm-up at start, a worker costs ~60-100 MB of RSS (issue 19) and stops after a minute idle
  connection.listen();
}
