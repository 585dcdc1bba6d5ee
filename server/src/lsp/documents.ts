/**
 * Open documents: text (incremental sync), version, and for `.tf`/`.tfvars` the tree-sitter tree kept
 * across edits: every content change becomes `tree.edit()` and the next parse reuses the old tree.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { parseTerraform, type Tree } from '../core/parse/treesitter';
import { makeSourceFile } from '../core/source';
import { closeMultiLineStrings } from '../core/parse/hclcheck';
import { BlockCache } from '../core/model/hcl';
import { keepIntactBlocks } from './intact';
import { reparseBlock } from './blocklocal';
import { fileKind, type SourceFile } from '../core/model/module';
import { mayBeTemplatePath } from '../core/source';
import { LineIndex } from '../core/text';

export class OpenDocument {
  private doc: TextDocument;
  private tree: Tree | undefined;
  /** The text the tree is of (with the edits since applied): the document's text with its open strings closed. */
  private treeText: string | undefined;
  private source: SourceFile | undefined;
  /** Models of unchanged top-level blocks, reused across re-parses. */
  readonly blocks = new BlockCache();
  /** The last error-free model: its intact blocks stay while the text has a syntax error (intact.ts). */
  private lastGood: SourceFile | undefined;
  /** Incremental re-parses done and their total time (ms), for the status/benchmarks. */
  stats = { parses: 0, incremental: 0, local: 0, ms: 0 };
  /** Block-local re-parse (blocklocal.ts) on: LPG_BLOCK_LOCAL=0 turns it off (whole-file re-parse, for comparisons). */
  blockLocal = typeof process === 'undefined' || process.env?.LPG_BLOCK_LOCAL !== '0'; // no `process` in a Web Worker
  /** Told when the syntax model of the document cannot be built (the file then yields no findings). */
  onError: ((e: unknown) => void) | undefined;

  constructor(readonly uri: string, readonly fsPath: string, languageId: string, version: number, text: string) {
    this.doc = TextDocument.create(uri, languageId, version, text);
  }

  get version(): number { return this.doc.version; }
  get text(): string { return this.doc.getText(); }
  get languageId(): string { return this.doc.languageId; }
  get kind() { return fileKind(this.fsPath); }
  get usesTree(): boolean { return this.kind === 'tf' || this.kind === 'tfvars'; }

  /** Applies LSP content changes (incremental or full) in order, editing the tree as the text changes. */
  update(changes: TextDocumentContentChangeEvent[], version: number): void {
    for (const c of changes) {
      if (this.tree && 'range' in c && c.range) {
        const start = this.doc.offsetAt(c.range.start);
        const oldEnd = this.doc.offsetAt(c.range.end);
        const startPos = this.doc.positionAt(start);
        const oldEndPos = this.doc.positionAt(oldEnd);
        const newEndPos = endPosition(startPos, c.text);
        this.doc = TextDocument.update(this.doc, [c], version);
        if (this.treeText !== undefined) this.treeText = this.treeText.slice(0, start) + c.text + this.treeText.slice(oldEnd);
        try {
          this.tree.edit({
            startIndex: start, oldEndIndex: oldEnd, newEndIndex: start + c.text.length,
            startPosition: { row: startPos.line, column: startPos.character },
            oldEndPosition: { row: oldEndPos.line, column: oldEndPos.character },
            newEndPosition: { row: newEndPos.line, column: newEndPos.character },
          });
        } catch { this.dropTree(); /* the next parse starts afresh */ }
      } else {
        this.doc = TextDocument.update(this.doc, [c], version);
        if (!('range' in c) || !c.range) this.dropTree();
      }
    }
    this.source = undefined;
  }

  /** The syntax model of the current text (re-parsed lazily, incrementally when a tree is kept). */
  sourceFile(relPath: string): SourceFile {
    if (this.source && this.source.path === relPath) return this.source;
    const text = this.doc.getText();
    try {
      if (this.usesTree && this.blockLocal && this.kind === 'tf' && this.lastGood && this.lastGood.path === relPath) {
        // an edit inside one top-level block: re-parse that block only (the tree keeps its edits for the next whole parse)
        const t0 = performance.now();
        const f = reparseBlock(this.lastGood, text);
        if (f) {
          if (!f.syntax!.errors.length) this.lastGood = f;
          this.source = f;
          this.stats.local++;
          this.stats.ms += performance.now() - t0;
          return f;
        }
      }
      if (this.usesTree) {
        const t0 = performance.now();
        // an open quoted string (typing) is closed on its line before parsing (hclcheck.ts): the tree is of that text
        const closed = closeMultiLineStrings(text);
        const parseText = closed ? closed.text : text;
        if (this.tree && this.treeText !== undefined && this.treeText !== parseText) {
          // the closing moved since the last parse: tell the tree which characters differ (same length, same lines)
          if (this.treeText.length !== parseText.length) this.dropTree();
          else {
            let i = 0, j = parseText.length - 1;
            while (i <= j && this.treeText[i] === parseText[i]) i++;
            while (j >= i && this.treeText[j] === parseText[j]) j--;
            if (i <= j) {
              const li = new LineIndex(parseText);
              const a = li.positionAt(i), b = li.positionAt(j + 1);
              try {
                this.tree.edit({ startIndex: i, oldEndIndex: j + 1, newEndIndex: j + 1, startPosition: { row: a.line, column: a.character }, oldEndPosition: { row: b.line, column: b.character }, newEndPosition: { row: b.line, column: b.character } });
              } catch { this.dropTree(); }
            }
          }
        }
        const old = this.tree;
        let tree: Tree;
        try { tree = parseTerraform(parseText, old); } catch { this.dropTree(); tree = parseTerraform(parseText); }
        if (old && this.tree === old) { old.delete(); this.stats.incremental++; }
        this.tree = tree;
        this.treeText = parseText;
        this.stats.parses++;
        const f = makeSourceFile(relPath, text, tree, this.blocks, closed);
        if (this.kind === 'tf' && f.syntax) {
          if (!f.syntax.errors.length) this.lastGood = f;
          else if (this.lastGood) keepIntactBlocks(f, this.lastGood);
        }
        this.source = f;
        this.stats.ms += performance.now() - t0;
      } else {
        this.source = makeSourceFile(relPath, text);
      }
    } catch (e) {
      // never down: a file the model cannot be built for is analysed as having no syntax (no findings)
      this.dropTree();
      this.source = { path: relPath, text, kind: fileKind(relPath), lines: new LineIndex(text) };
      this.onError?.(e);
    }
    return this.source;
  }

  dispose(): void { this.dropTree(); this.source = undefined; }

  private dropTree(): void { this.tree?.delete(); this.tree = undefined; this.treeText = undefined; }
}

/** Position after inserting `text` at `start` (lines split as tree-sitter and LSP do for `\n` and `\r\n`). */
function endPosition(start: { line: number; character: number }, text: string): { line: number; character: number } {
  const li = new LineIndex(text);
  const n = li.lineCount - 1;
  if (n === 0) return { line: start.line, character: start.character + text.length };
  return { line: start.line + n, character: text.length - li.lineStart(n) };
}

export function isTerraformPath(p: string): boolean {
  const k = fileKind(p);
  // YAML / .template files: CloudFormation templates are recognised by content when analysed
  return k === 'tf' || k === 'tfjson' || k === 'tfvars' || k === 'json' || mayBeTemplatePath(p);
}
