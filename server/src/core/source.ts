import { LineIndex } from './text';
import { fileKind, type SourceFile } from './model/module';
import type { FileSyntax } from './model/ast';
import { parseTerraform, type Tree } from './parse/treesitter';
import { syntaxFromTree, type BlockCache } from './model/hcl';
import { syntaxFromTfJson } from './model/tfjson';
import { tooDeepAt, nestingMessage } from './limits';
import { mayBeTemplate, readTemplate } from './frontends/cfn/synth';

/** Paths whose content may be a CloudFormation / SAM template. */
export function mayBeTemplatePath(path: string): boolean {
  return /\.(ya?ml|json|template)$/i.test(path) && !/\.tf\.json$/i.test(path);
}

/**
 * Builds a source file with its syntax model. `.tf`/`.tfvars` need `initParser()` to have run.
 * `cache` (language server: one per open document) reuses the models of unchanged top-level blocks.
 */
export function makeSourceFile(path: string, text: string, tree?: Tree, cache?: BlockCache): SourceFile {
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
    const t = tree ?? parseTerraform(f.text);
    const s = syntaxFromTree(t, f.text, cache);
    if (!tree) t.delete();
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
