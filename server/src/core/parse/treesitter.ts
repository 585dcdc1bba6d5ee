import { Parser, Language, type Tree, type Node, type Edit } from 'web-tree-sitter';
import * as path from 'path';
import * as fs from 'fs';

export type { Tree, Node, Edit };

let ready: Promise<void> | undefined;
let language: Language | undefined;
let parser: Parser | undefined;

/** Directory holding `tree-sitter.wasm` and `tree-sitter-terraform.wasm`: next to the bundle, or node_modules in development. */
function wasmPath(file: string): string {
  const local = path.join(__dirname, file);
  if (fs.existsSync(local)) return local;
  if (file === 'tree-sitter.wasm') return path.join(path.dirname(require.resolve('web-tree-sitter')), 'tree-sitter.wasm');
  return require.resolve('@tree-sitter-grammars/tree-sitter-hcl/' + file);
}

/** Loads the WASM runtime and the Terraform grammar once. */
export function initParser(): Promise<void> {
  if (!ready) {
    ready = (async () => {
      await Parser.init({ locateFile: (f: string) => wasmPath(f) });
      language = await Language.load(wasmPath('tree-sitter-terraform.wasm'));
      parser = new Parser();
      parser.setLanguage(language);
    })();
  }
  return ready;
}

export function isParserReady(): boolean { return parser !== undefined; }

/** Parses (or incrementally re-parses, given the edited old tree) Terraform source. */
export function parseTerraform(text: string, oldTree?: Tree): Tree {
  if (!parser) throw new Error('tree-sitter is not initialised: call initParser() first');
  const tree = parser.parse(text, oldTree ?? null);
  if (!tree) throw new Error('tree-sitter returned no tree');
  return tree;
}
