import { Parser, Language, type Tree, type Node, type Edit } from 'web-tree-sitter';

export type { Tree, Node, Edit };

/**
 * Where the two WASM files come from; the host decides (the core reads no files). Each is a path or
 * URL that web-tree-sitter loads itself (Node: a file path; a browser: a URL, fetched), or the bytes.
 * Node hosts: `nodeParserWasm()` (server/src/host/node-wasm.ts); the page and the web extension: URLs.
 */
export interface ParserWasm {
  /** web-tree-sitter's runtime, `tree-sitter.wasm`. */
  runtime: string | Uint8Array;
  /** The Terraform grammar, `tree-sitter-terraform.wasm`. */
  grammar: string | Uint8Array;
}

let ready: Promise<void> | undefined;
let language: Language | undefined;
let parser: Parser | undefined;

/**
 * Loads the WASM runtime and the Terraform grammar once. The first call must name the WASM files;
 * later calls (with or without them) share the first one's promise.
 */
export function initParser(wasm?: ParserWasm): Promise<void> {
  if (!ready) {
    if (!wasm) return Promise.reject(new Error('tree-sitter is not initialised: the host must call initParser(wasm) first, naming tree-sitter.wasm and tree-sitter-terraform.wasm'));
    ready = (async () => {
      const runtime = wasm.runtime;
      // Emscripten module options: a file name/URL through locateFile, or the bytes themselves
      // (with bytes, locateFile still answers: web-tree-sitter resolves the file name before it looks at wasmBinary)
      const opts = typeof runtime === 'string' ? { locateFile: () => runtime } : { wasmBinary: runtime, locateFile: (f: string) => f };
      await Parser.init(opts as unknown as Parameters<typeof Parser.init>[0]);
      language = await Language.load(wasm.grammar);
      const p = new Parser();
      p.setLanguage(language);
      parser = p;
    })();
    ready.catch(() => { ready = undefined; });
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
