/** Pure data types shared by the analysis core, the CLI and the language server. */

/** Zero-based line and UTF-16 character offset, as in LSP. */
export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }

export type Severity = 'error' | 'warning' | 'info';
export type SeveritySetting = Severity | 'off';

export interface TextEdit { range: Range; newText: string }

/** An edit of one file. `file` is the module-relative path of the file that the edit changes. */
export interface FileEdit extends TextEdit { file: string }

export interface Fix {
  title: string;
  /** Preferred fixes are safe and inferred from the folder: applied by fix-all and `--fix`. */
  preferred: boolean;
  edits: FileEdit[];
  /** Optional snippet form (LSP snippet syntax) of a single-edit suggestion, for clients that support it. */
  snippet?: { file: string; range: Range; text: string };
}

export interface RelatedLocation { file: string; range: Range; message: string }

export interface Finding {
  ruleId: string;
  severity: Severity;
  file: string;
  range: Range;
  message: string;
  fixes: Fix[];
  related: RelatedLocation[];
}

export type RuleKind = 'exposure' | 'outage' | 'syntax';

export interface RuleMeta {
  id: string;
  severity: Severity;
  kind: RuleKind;
  /** One line. */
  title: string;
  /** Markdown documentation: why it matters, examples, fix. */
  docs: string;
  /** Peer suppression comments that also silence this rule, e.g. "checkov:skip=CKV_AWS_364". */
  peerSuppressions?: string[];
}
