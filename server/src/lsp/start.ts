/**
 * Starts the language server on the transport named on the command line: `--stdio`, `--node-ipc`
 * or `--socket=N` (vscode-languageserver picks it). Used by dist/server.js and by `lpg lsp`.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { LpgServer } from './server';
import { checkSyntax, warmUp, hcl2jsonStats } from '../hcl2json';
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
  // warm HashiCorp's parser up after the first diagnostics (it is asked only about files tree-sitter finds an error in)
  if (!noHcl) setTimeout(() => void warmUp(), 1500).unref();
  connection.listen();
}
