import type { RuleMeta, Severity } from '../types';
import type { Span } from '../model/ast';
import type { ModuleIndex, SourceFile } from '../model/module';
import type { Facts } from '../model/facts';

/** An edit in offsets of one file of the module. */
export interface SpanEdit { file: string; start: number; end: number; newText: string }

export interface FixSpec {
  title: string;
  preferred: boolean;
  edits: SpanEdit[];
  /** LSP snippet text replacing the single edit, for clients that support snippets. */
  snippet?: string;
}

export interface Report {
  file: string;
  span: Span;
  message: string;
  fixes?: FixSpec[];
  related?: { file: string; span: Span; message: string }[];
  /** The block the finding belongs to, for "Ignore <rule> for this block" (defaults to the innermost block around span). */
  suppressTarget?: Span;
  /** Caps the finding's severity (a permissions boundary grants nothing: at most `info`). */
  atMost?: Severity;
}

export interface RuleContext {
  readonly module: ModuleIndex;
  readonly facts: Facts;
  file(path: string): SourceFile;
  report(r: Report): void;
}

export interface Rule {
  meta: RuleMeta;
  check(ctx: RuleContext): void;
}
