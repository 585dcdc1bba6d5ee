/** Carrying HashiCorp's syntax verdict over an edit while its check of the new text is pending. */
import type { SyntaxError } from '../core/analyze';
import { LineIndex } from '../core/text';
/**
 * A syntax error of `before` moved into `after`, when it lies outside the edited span (the text both
 * share at its start and at its end); undefined when the edit touched it.
 */
export function carryError(before: string, after: string, err: SyntaxError, afterLines = new LineIndex(after)): SyntaxError | undefined {
  const lines = new LineIndex(before);
  if (err.line >= lines.lineCount) return undefined;
  const at = lines.offsetAt({ line: err.line, character: err.character });
  let pre = 0;
  const max = Math.min(before.length, after.length);
  while (pre < max && before.charCodeAt(pre) === after.charCodeAt(pre)) pre++;
  let suf = 0;
  while (suf < max - pre && before.charCodeAt(before.length - 1 - suf) === after.charCodeAt(after.length - 1 - suf)) suf++;
  let moved: number;
  if (at < pre) moved = at;
  else if (at >= before.length - suf) moved = at + after.length - before.length;
  else return undefined;
  const pos = afterLines.positionAt(moved);
  return { line: pos.line, character: pos.character, message: err.message };
}
