/**
 * String literals of an error-free file are read from the source (model/hcl.ts `quotedLiteral`)
 * instead of their three tree-sitter nodes: the model must stay what the nodes give, including
 * tree-sitter's skipping of blanks at either end of the literal.
 */
import * as assert from 'assert';
import { ready } from '../helpers';
import { parseTerraform } from '../../../server/src/core/parse/treesitter';
import { syntaxFromTree } from '../../../server/src/core/model/hcl';
import type { Expr } from '../../../server/src/core/model/ast';

function valueOf(src: string): { expr: Expr; text: string } {
  const text = `a = ${src}\n`;
  const tree = parseTerraform(text);
  try { return { expr: syntaxFromTree(tree, text).attrs[0].value, text }; } finally { tree.delete(); }
}

/** [source, literal text, literal span as offsets into the source] (undefined: no text part). */
const CASES: [string, string | undefined, [number, number] | undefined][] = [
  ['""', undefined, undefined],
  ['"x"', 'x', [1, 2]],
  ['"a b"', 'a b', [1, 4]],
  ['" "', undefined, undefined], // a blank only: tree-sitter gives no template_literal
  ['"  x  "', 'x', [3, 4]], // blanks at the ends are outside the literal
  ['"\\"q\\""', '"q"', [1, 6]],
  ['"a\\nb"', 'a\nb', [1, 5]],
  ['"$${x}"', '${x}', [1, 6]],
  ['"http://x/*y*/ #z"', 'http://x/*y*/ #z', [1, 17]],
  ['"é"', 'é', [1, 2]],
  ['"\\u00e9x"', 'éx', [1, 8]],
  ['"\tx\t"', 'x', [2, 3]],
];

describe('model: string literals', () => {
  before(ready);

  for (const [src, lit, span] of CASES) {
    it(`${src} → ${JSON.stringify(lit)}`, () => {
      const { expr } = valueOf(src);
      const at = 4; // `a = `
      assert.deepStrictEqual(expr, {
        t: 'tmpl',
        parts: lit === undefined ? [] : [{ k: 'text', text: lit, span: { start: at + span![0], end: at + span![1] } }],
        span: { start: at, end: at + src.length },
      });
    });
  }

  it('block labels: the same literal text', () => {
    const text = 'resource "a_b" "  c d " {}\nresource "" " " {}\n';
    const tree = parseTerraform(text);
    try {
      assert.deepStrictEqual(syntaxFromTree(tree, text).blocks.map((b) => b.labels.map((l) => l.value)), [['a_b', 'c d'], ['', '']]);
    } finally { tree.delete(); }
  });
});
