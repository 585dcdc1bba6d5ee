/**
 * Input limits of the analysis core. The syntax-model builders and jsonc-parser recurse once per
 * nesting level, so text nested deeper than MAX_NESTING is reported as a syntax error instead of
 * being modelled (real Terraform and policy JSON nest a few dozen levels at most).
 */
export const MAX_NESTING = 500;

export const nestingMessage = (max = MAX_NESTING): string => `nested deeper than ${max} levels: not analysed`;

/**
 * Offset of the bracket where `{ [ (` nesting first exceeds `max`, or -1. With `jsonStrings`, the
 * contents of double-quoted JSON strings are skipped; otherwise every bracket counts (an HCL string
 * can hold interpolations, so counting them all is the safe upper bound).
 */
export function tooDeepAt(text: string, jsonStrings: boolean, max = MAX_NESTING): number {
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 123 || c === 91 || c === 40) { // { [ (
      if (++depth > max) return i;
    } else if (c === 125 || c === 93 || c === 41) { // } ] )
      if (depth > 0) depth--;
    } else if (c === 34 && jsonStrings) { // "
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++; // backslash escape
        else if (d === 34 || d === 10) break;
      }
    }
  }
  return -1;
}
