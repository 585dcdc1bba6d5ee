/**
 * Column conversion for HashiCorp's HCL diagnostics: HCL counts columns in grapheme clusters
 * (1-based), LSP and the analysis core count UTF-16 code units (0-based).
 */

let segmenter: Intl.Segmenter | undefined;

/**
 * UTF-16 offset within `lineText` of the 1-based grapheme column `column`. A column past the end
 * of the line maps to the line's length (HCL reports the position after the last character).
 */
export function graphemeColumnToUtf16(lineText: string, column: number): number {
  if (column <= 1) return 0;
  // ASCII fast path: one code unit per grapheme (CR LF never occurs inside a line).
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(lineText)) return Math.min(column - 1, lineText.length);
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  let n = 1;
  for (const seg of segmenter.segment(lineText)) {
    if (n === column) return seg.index;
    n++;
  }
  return lineText.length;
}

/** Inverse: the 1-based grapheme column of a UTF-16 offset within a line. */
export function utf16ToGraphemeColumn(lineText: string, character: number): number {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(lineText)) return Math.min(character, lineText.length) + 1;
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  let n = 1;
  for (const seg of segmenter.segment(lineText)) {
    if (seg.index >= character) return n;
    n++;
  }
  return n;
}
