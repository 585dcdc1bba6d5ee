import { LineIndex } from './text';
import { fileKind, type SourceFile } from './model/module';
import type { FileSyntax } from './model/ast';
import { parseTerraform, type Tree } from './parse/treesitter';
import { syntaxFromTree, type BlockCache } from './model/hcl';
import { syntaxFromTfJson } from './model/tfjson';
import { tooDeepAt, nestingMessage } from './limits';
import { closeMultiLineStrings, distrust, modelError, MULTI_LINE_STRING } from './parse/hclcheck';
import type { Span } from './model/ast';

/** The model of a file whose open strings were closed: those arguments unknown, the first one the syntax error. */
function syntaxOfClosed(text: string, closed: { text: string; spans: Span[] }, cache?: BlockCache, tree?: Tree): FileSyntax {
  // with the tree of the broken text (language server), the closed text is an incremental re-parse of a copy
  let base: Tree | undefined;
  if (tree) {
    try {
      base = tree.copy();
      const lines = new LineIndex(text);
      for (const sp of closed.spans) {
        const a = lines.positionAt(sp.start), b = lines.positionAt(sp.end);
        base.edit({ startIndex: sp.start, oldEndIndex: sp.end, newEndIndex: sp.end, startPosition: { row: a.line, column: a.character }, oldEndPosition: { row: b.line, column: b.character }, newEndPosition: { row: b.line, column: b.character } });
      }
    } catch { base?.delete(); base = undefined; }
  }
  const t = parseTerraform(closed.text, base);
  base?.delete();
  const s = syntaxFromTree(t, closed.text, cache);
  t.delete();
  const q = closed.spans[0].start;
  distrust(s, s.errors.length ? Math.min(q, s.errors[0].span.start) : text.length, closed.spans);
  const own = { span: { start: q, end: q + 1 }, message: MULTI_LINE_STRING };
  s.errors = s.errors.length && s.errors[0].span.start < q ? [s.errors[0], own] : [own, ...s.errors];
  return s;
}

/**
 * Builds a source file with its syntax model. `.tf`/`.tfvars` need `initParser()` to have run.
 * `cache` (language server: one per open document) reuses the models of unchanged top-level blocks.
 */
export function makeSourceFile(path: string, text: string, tree?: Tree, cache?: BlockCache): SourceFile {
  const kind = fileKind(path);
  const f: SourceFile = { path, text, kind, lines: new LineIndex(text) };
  f.syntax = syntaxOf(f, tree, cache);
  return f;
}

export function syntaxOf(f: SourceFile, tree?: Tree, cache?: BlockCache): FileSyntax | undefined {
  if (f.kind === 'tf' || f.kind === 'tfvars' || f.kind === 'tfjson') {
    // The model builders recurse per nesting level: absurdly deep text is a syntax error, not a stack overflow.
    const deep = tooDeepAt(f.text, f.kind === 'tfjson');
    if (deep >= 0) return { blocks: [], attrs: [], comments: [], errors: [{ span: { start: deep, end: deep + 1 }, message: nestingMessage() }] };
  }
  if (f.kind === 'tf' || f.kind === 'tfvars') {
    // a quoted string left open (typing) swallows what follows: read the file with it closed on its line
    const closed = closeMultiLineStrings(f.text);
    if (closed) return syntaxOfClosed(f.text, closed, cache, tree);
    const t = tree ?? parseTerraform(f.text);
    const s = syntaxFromTree(t, f.text, cache);
    if (!tree) t.delete();
    if (s.errors.length) distrust(s, s.errors[0].span.start);
    else { const e = modelError(s, f.text); if (e) s.errors.push(e); }
    return s;
  }
  if (f.kind === 'tfjson') return syntaxFromTfJson(f.text);
  return undefined;
}

/** Is this JSON text worth reading as a policy? (cheap text test before parsing) */
export function mayBePolicyJson(text: string): boolean {
  return text.includes('"Statement"') || text.includes('"Policy"') || text.includes('\\"Statement\\"');
}
