import { LineIndex } from './text';
import { fileKind, type SourceFile } from './model/module';
import type { FileSyntax } from './model/ast';
import { parseTerraform, type Tree } from './parse/treesitter';
import { syntaxFromTree, type BlockCache } from './model/hcl';
import { syntaxFromTfJson } from './model/tfjson';
import { tooDeepAt, nestingMessage } from './limits';
import { closeMultiLineStrings, distrust, modelError, MULTI_LINE_STRING } from './parse/hclcheck';
import type { Span } from './model/ast';
import { mayBeTemplate, readTemplate } from './frontends/cfn/synth';

/** The model of a file whose open strings were closed: those arguments unknown, the first one the syntax error. */
function syntaxOfClosed(text: string, closed: { text: string; spans: Span[] }, cache?: BlockCache): FileSyntax {
  const t = parseTerraform(closed.text);
  const s = syntaxFromTree(t, closed.text, cache);
  t.delete();
  markOpenString(s, closed.spans, text.length); // the closed text parses: arguments after the string are as written
  return s;
}

/** The open string is the syntax error (at its opening quote, unless an error comes before it); what it reaches is unknown. */
function markOpenString(s: FileSyntax, spans: Span[], after?: number): void {
  const q = spans[0].start;
  distrust(s, Math.min(after ?? q, s.errors.length ? s.errors[0].span.start : Infinity), spans);
  const own = { span: { start: q, end: q + 1 }, message: MULTI_LINE_STRING };
  s.errors = s.errors.length && s.errors[0].span.start < q ? [s.errors[0], own] : [own, ...s.errors];
}

/** Paths whose content may be a CloudFormation / SAM template. */
export function mayBeTemplatePath(path: string): boolean {
  return /\.(ya?ml|json|template)$/i.test(path) && !/\.tf\.json$/i.test(path);
}

/**
 * Builds a source file with its syntax model. `.tf`/`.tfvars` need `initParser()` to have run.
 * `cache` (language server: one per open document) reuses the models of unchanged top-level blocks.
 */
export function makeSourceFile(path: string, text: string, tree?: Tree, cache?: BlockCache, closed?: ClosedText): SourceFile {
  const kind = fileKind(path);
  const f: SourceFile = { path, text, kind, lines: new LineIndex(text) };
  if ((kind === 'json' || kind === 'other') && mayBeTemplatePath(path) && mayBeTemplate(text)) {
    // templates are recognised by content; other YAML and JSON stay as they were
    const deep = tooDeepAt(text, true);
    if (deep >= 0) {
      // absurdly deep text is a syntax error of the template, not a stack overflow
      f.kind = 'cfn';
      f.syntax = { blocks: [], attrs: [], comments: [], errors: [{ span: { start: deep, end: deep + 1 }, message: nestingMessage() }] };
      return f;
    }
    const t = readTemplate(path, text);
    if (t) { f.kind = 'cfn'; f.syntax = t.syntax; return f; }
  }
  f.syntax = syntaxOf(f, tree, cache, closed);
  return f;
}

/** A text with its open quoted strings closed (hclcheck.ts): same length and lines. */
export type ClosedText = { text: string; spans: Span[] };

/**
 * `tree`: a tree of the text, or, with `closed`, of `closed.text` (the language server parses the
 * closed text incrementally, so an open quote costs no more than any keystroke).
 */
export function syntaxOf(f: SourceFile, tree?: Tree, cache?: BlockCache, closedTree?: ClosedText): FileSyntax | undefined {
  if (f.kind === 'tf' || f.kind === 'tfvars' || f.kind === 'tfjson') {
    // The model builders recurse per nesting level: absurdly deep text is a syntax error, not a stack overflow.
    const deep = tooDeepAt(f.text, f.kind === 'tfjson');
    if (deep >= 0) return { blocks: [], attrs: [], comments: [], errors: [{ span: { start: deep, end: deep + 1 }, message: nestingMessage() }] };
  }
  if (f.kind === 'tf' || f.kind === 'tfvars') {
    // a quoted string left open (typing) swallows what follows: read the file with it closed on its line
    // (the language server, which passes its tree, keeps the blocks after the string from the last good
    // parse instead: re-parsing the closed text on each keystroke doubled the typing time)
    if (tree && closedTree) {
      const s = syntaxFromTree(tree, closedTree.text, cache);
      markOpenString(s, closedTree.spans, f.text.length);
      return s;
    }
    const closed = closeMultiLineStrings(f.text);
    if (closed && !tree) return syntaxOfClosed(f.text, closed, cache);
    const t = tree ?? parseTerraform(f.text);
    const s = syntaxFromTree(t, f.text, cache);
    if (!tree) t.delete();
    if (closed) markOpenString(s, closed.spans); // what follows the open quote in its block is swallowed text: unknown
    else if (s.errors.length) distrust(s, s.errors[0].span.start);
    else { const e = modelError(s, f.text); if (e) s.errors.push(e); }
    return s;
  }
  if (f.kind === 'tfjson') return syntaxFromTfJson(f.text);
  if (f.kind === 'cfn') return readTemplate(f.path, f.text)?.syntax;
  return undefined;
}

/** Is this JSON text worth reading as a policy? (cheap text test before parsing) */
export function mayBePolicyJson(text: string): boolean {
  return text.includes('"Statement"') || text.includes('"Policy"') || text.includes('\\"Statement\\"');
}
