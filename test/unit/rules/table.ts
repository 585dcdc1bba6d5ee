/** Valid/invalid tables and fix assertions shared by the exposure rule tests. */
import { analyze, applyFix, assert, coveredText, only, rangeOf } from '../helpers';
import type { AnalyzeOptions } from '../../../server/src/core/analyze';
import type { Finding, Fix } from '../../../server/src/core/types';
import { makeSourceFile } from '../../../server/src/core/source';
import { fixAllTexts } from '../../../server/src/lsp/fixall';
import { parseTree, type ParseError } from 'jsonc-parser';

export interface Invalid {
  name: string;
  files: Record<string, string>;
  file: string;
  range: [number, number, number, number];
  text: string;
  /** How many findings of the rule the files give (default 1; the asserted one is `index`). */
  count?: number;
  index?: number;
  opts?: AnalyzeOptions;
}
export interface Valid { name: string; files: Record<string, string>; opts?: AnalyzeOptions }

export function table(rule: string, invalid: Invalid[], valid: Valid[]): void {
  for (const c of invalid) it(`invalid: ${c.name}`, () => {
    const fs = only(analyze(c.files, c.opts), rule);
    assert.strictEqual(fs.length, c.count ?? 1, JSON.stringify(fs.map((f) => [f.file, rangeOf(f), f.message])));
    const f = fs[c.index ?? 0];
    assert.strictEqual(f.file, c.file);
    assert.deepStrictEqual(rangeOf(f), c.range);
    assert.strictEqual(coveredText(c.files[c.file], f), c.text);
  });
  for (const c of valid) it(`valid: ${c.name}`, () => {
    assert.deepStrictEqual(only(analyze(c.files, c.opts), rule).map((f) => [f.file, rangeOf(f), f.message]), []);
  });
}

/** The one finding of the rule. */
export function finding(rule: string, files: Record<string, string>, index = 0): Finding {
  const fs = only(analyze(files), rule);
  assert.ok(fs[index], `no ${rule} finding #${index}`);
  return fs[index];
}

/** The fix of the (first) finding whose title starts with `title`. */
export function fixOf(rule: string, files: Record<string, string>, title: string, index = 0): Fix {
  const f = finding(rule, files, index);
  const fix = f.fixes.find((x) => x.title.startsWith(title));
  assert.ok(fix, `no fix "${title}" in ${JSON.stringify(f.fixes.map((x) => x.title))}`);
  return fix!;
}

/** Applies the fix and returns the whole texts. */
export function fixed(rule: string, files: Record<string, string>, title: string, index = 0): Record<string, string> {
  return applyFix(files, fixOf(rule, files, title, index));
}

/** Every file parses (tree-sitter for .tf, strict JSON for .json / .tf.json). */
export function assertParses(files: Record<string, string>): void {
  for (const [p, t] of Object.entries(files)) {
    if (p.endsWith('.json')) {
      const errors: ParseError[] = [];
      parseTree(t, errors, { allowTrailingComma: false, disallowComments: true });
      assert.deepStrictEqual(errors, [], `${p} does not parse:\n${t}`);
    } else {
      const f = makeSourceFile(p, t);
      assert.deepStrictEqual(f.syntax?.errors ?? [], [], `${p} does not parse:\n${t}`);
    }
  }
}

/** Applies every preferred fix of every file (the editor's fix-all loop) and returns the texts. */
export function fixAll(files: Record<string, string>): Record<string, string> {
  let cur = { ...files };
  for (const target of Object.keys(files)) {
    const sfs = Object.entries(cur).map(([p, t]) => makeSourceFile(p, t));
    const changed = fixAllTexts(sfs, target, {});
    for (const [p, t] of changed) cur[p] = t;
  }
  return cur;
}

/** Fix-all gives `expected`, parses, leaves no finding of the rule, and a second fix-all changes nothing. */
export function assertFixAll(rule: string, files: Record<string, string>, expected: Record<string, string>): void {
  const out = fixAll(files);
  assert.deepStrictEqual(out, expected);
  assertParses(out);
  assert.deepStrictEqual(only(analyze(out), rule).filter((f) => f.fixes.some((x) => x.preferred)), []);
  assert.deepStrictEqual(fixAll(out), out);
}
