/** Messages between the page (main.ts) and its Web Worker (worker.ts). Plain data only. */
import type { Finding, RuleMeta } from '../../server/src/core/types';

export interface PageFile { path: string; text: string }

export type Request =
  | { id: number; kind: 'analyze'; files: PageFile[] }
  | { id: number; kind: 'fixAll'; files: PageFile[] };

export type Response =
  | { id: 0; kind: 'ready'; rules: RuleMeta[]; ms: number }
  | { id: 0; kind: 'failed'; message: string }
  | { id: number; kind: 'analyze'; findings: Finding[]; ms: number }
  | { id: number; kind: 'fixAll'; texts: PageFile[]; applied: { ruleId: string; file: string; title: string }[]; rejected: { ruleId: string; file: string; title: string; reason: string }[]; remaining: number }
  | { id: number; kind: 'error'; message: string };
