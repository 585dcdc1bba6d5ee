/**
 * The Node host's WASM files for the core's tree-sitter parser: next to the bundle (dist/), or in
 * node_modules when running from source (tests, tsx scripts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { initParser as initCore, type ParserWasm } from '../core/parse/treesitter';

function wasmPath(file: string): string {
  const local = path.join(__dirname, file);
  if (fs.existsSync(local)) return local;
  if (file === 'tree-sitter.wasm') return path.join(path.dirname(require.resolve('web-tree-sitter')), 'tree-sitter.wasm');
  return require.resolve('@tree-sitter-grammars/tree-sitter-hcl/' + file);
}

export function nodeParserWasm(): ParserWasm {
  return { runtime: wasmPath('tree-sitter.wasm'), grammar: wasmPath('tree-sitter-terraform.wasm') };
}

/** initParser with the WASM files of this Node install. */
export function initParser(): Promise<void> { return initCore(nodeParserWasm()); }
