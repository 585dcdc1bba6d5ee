/**
 * Re-parsing a fix's result: a fix that would leave a syntax error where there was none, or give a
 * block the same attribute twice, is dropped (the caller says so). Pure: tree-sitter / jsonc-parser
 * through the syntax model; the CLI adds HashiCorp's parser on top.
 */
import { parse as parseJson, type ParseError } from 'jsonc-parser';
import type { Block, FileSyntax } from '../model/ast';
import type { SourceFile } from '../model/module';
import { makeSourceFile } from '../source';
import { LineIndex } from '../text';

/** `name` of the first attribute a block (or the top level) holds twice, with the count of such duplicates. */
export function duplicateAttributes(s: FileSyntax | undefined): { count: number; first?: string } {
  if (!s) return { count: 0 };
  let count = 0;
  let first: string | undefined;
  const visit = (attrs: { name: string }[], blocks: Block[], where: string): void => {
    const seen = new Set<string>();
    for (const a of attrs) {
      if (seen.has(a.name)) { count++; first ??= where ? `${a.name}" in ${where}` : `${a.name}"`; }
      seen.add(a.name);
    }
    const stack = [...blocks];
    while (stack.length) {
      const b = stack.pop()!;
      const seenB = new Set<string>();
      for (const a of b.attrs) {
        if (seenB.has(a.name)) { count++; first ??= `${a.name}" in ${[b.type, ...b.labels.map((l) => JSON.stringify(l.value))].join(' ')}`; }
        seenB.add(a.name);
      }
      for (const c of b.blocks) stack.push(c);
    }
  };
  visit(s.attrs, s.blocks, '');
  return { count, first };
}

function jsonErrors(text: string): number {
  const errors: ParseError[] = [];
  parseJson(text, errors, { allowTrailingComma: true });
  return errors.length;
}

/**
 * Why the new text of a file must not be used, or undefined when it is fine: a syntax error where
 * the old text had none, or more duplicated attributes than before. `before` is the file as it was.
 */
export function fixedTextProblem(before: SourceFile, after: string): string | undefined {
  if (before.text === after) return undefined;
  if (before.kind === 'json') {
    if (jsonErrors(before.text) === 0 && jsonErrors(after) > 0) return 'it would leave a JSON syntax error';
    return undefined;
  }
  if (before.kind === 'other') return undefined;
  const now = makeSourceFile(before.path, after);
  const wasOk = !before.syntax?.errors.length;
  const err = now.syntax?.errors[0];
  if (wasOk && err) {
    const pos = new LineIndex(after).positionAt(err.span.start);
    return `it would leave a syntax error at ${pos.line + 1}:${pos.character + 1} (${err.message})`;
  }
  const d0 = duplicateAttributes(before.syntax).count;
  const d1 = duplicateAttributes(now.syntax);
  if (d1.count > d0) return `it would set attribute "${d1.first} twice`;
  return undefined;
}

/** fixedTextProblem for a file known only by path and text. */
export function fixedTextProblemOf(path: string, beforeText: string, after: string): string | undefined {
  return fixedTextProblem(makeSourceFile(path, beforeText), after);
}
