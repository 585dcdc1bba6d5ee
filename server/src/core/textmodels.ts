/**
 * Identical `.tf` texts in several folders (the same `versions.tf`, `providers.tf`, `variables.tf`
 * copied across the folders of a monorepo, or the same module vendored twice) are parsed and
 * modelled once per scan. The scan announces every text it will make (`expect`); a model is kept
 * only for a text announced more than once, and dropped after its last announced use, so the cache
 * never holds more than what is still to come.
 *
 * The syntax model and the line index are immutable once built: the files share them. A
 * configuration that would see the same model twice (two of its folders with the same text) clones
 * it there (model/config.ts), as it does for a folder called twice.
 */
import { LineIndex } from './text';
import { fileKind, type SourceFile } from './model/module';
import type { FileSyntax } from './model/ast';
import { makeSourceFile } from './source';

export class TextModels {
  private readonly left = new Map<string, number>();
  private readonly built = new Map<string, { lines: LineIndex; syntax: FileSyntax | undefined }>();
  /** Texts made from the cache (a figure for tests and benchmarks). */
  reused = 0;

  /** Announces one future `make` of a file (only `.tf` files are shared). */
  expect(path: string, text: string): void {
    if (fileKind(path) !== 'tf') return;
    this.left.set(text, (this.left.get(text) ?? 0) + 1);
  }

  /** makeSourceFile(path, text), sharing the model of an identical `.tf` text made before. */
  make(path: string, text: string): SourceFile {
    const n = fileKind(path) === 'tf' ? this.left.get(text) : undefined;
    if (n === undefined) return makeSourceFile(path, text);
    if (n <= 1) this.left.delete(text); else this.left.set(text, n - 1);
    const hit = this.built.get(text);
    if (hit) {
      if (n <= 1) this.built.delete(text);
      this.reused++;
      // the same shape as makeSourceFile's result for a `.tf` file
      return { path, text, kind: 'tf', lines: hit.lines, syntax: hit.syntax };
    }
    const f = makeSourceFile(path, text);
    if (n > 1) this.built.set(text, { lines: f.lines, syntax: f.syntax });
    return f;
  }
}
