/**
 * CloudFormation / SAM templates, YAML or JSON, read into one neutral tree (as cfn-lint's
 * `decode/cfn_yaml.py` and `cfn_json.py` build the same marked nodes). Short forms (`!Ref X`,
 * `!GetAtt A.B`, `!Sub ...`) and long forms (`{"Fn::Sub": ...}`) become the same `fn` node; every
 * node keeps its exact span (UTF-16 offsets) in the template text. Pure: no fs.
 */
import { parseDocument, isMap, isSeq, isScalar, isPair, type Node as YNode } from 'yaml';
import { parseTree, type Node as JNode } from 'jsonc-parser';
import type { Comment, Span } from '../../model/ast';
import { jsonErrorMessage } from '../../model/tfjson';

export interface CEntry { key: string; keySpan: Span; value: CNode; span: Span }
export type CNode =
  | { k: 'map'; entries: CEntry[]; span: Span; flow: boolean }
  | { k: 'seq'; items: CNode[]; span: Span; flow: boolean }
  | { k: 'scalar'; value: string | number | boolean | null; span: Span; quoted: boolean }
  /** An intrinsic function: `name` is the long name (`Ref`, `Fn::GetAtt`, `Fn::Sub`, `Condition`). */
  | { k: 'fn'; name: string; arg: CNode; span: Span; short: boolean };

export interface CfnDoc {
  format: 'yaml' | 'json';
  root: CNode | undefined;
  comments: Comment[];
  errors: { span: Span; message: string }[];
}

/** Intrinsic functions written as one-key maps in long form, and their short YAML tags. */
export const INTRINSICS = new Set(['Ref', 'Condition', 'Fn::GetAtt', 'Fn::Sub', 'Fn::Join', 'Fn::Select', 'Fn::Split', 'Fn::If', 'Fn::FindInMap',
  'Fn::ImportValue', 'Fn::Base64', 'Fn::GetAZs', 'Fn::Cidr', 'Fn::Equals', 'Fn::And', 'Fn::Or', 'Fn::Not', 'Fn::Transform', 'Fn::Length', 'Fn::ToJsonString', 'Fn::ForEach']);

function tagName(tag: string): string | undefined {
  const t = tag.replace(/^!/, '');
  if (t === 'Ref' || t === 'Condition') return t;
  const long = 'Fn::' + t;
  return INTRINSICS.has(long) ? long : undefined;
}

export function parseTemplate(text: string, format: 'yaml' | 'json'): CfnDoc {
  return format === 'json' ? parseJson(text) : parseYaml(text);
}

// ---------- JSON ----------

function parseJson(text: string): CfnDoc {
  const errors: import('jsonc-parser').ParseError[] = [];
  const src = text.charCodeAt(0) === 0xfeff ? ' ' + text.slice(1) : text;
  const root = parseTree(src, errors, { allowTrailingComma: false, disallowComments: false });
  const out: CfnDoc = { format: 'json', root: root ? fromJson(root, 0) : undefined, comments: [], errors: [] };
  if (errors.length) out.errors.push({ span: { start: errors[0].offset, end: errors[0].offset + Math.max(1, errors[0].length) }, message: `JSON: ${jsonErrorMessage(errors[0])}` });
  return out;
}

/** The parser's stack overflow on absurdly deep block nesting, said plainly. */
function tooDeep(m: string): string {
  return /call stack/i.test(m) ? 'nested too deeply to be read' : m;
}

const jsp = (n: JNode): Span => ({ start: n.offset, end: n.offset + n.length });

function fromJson(n: JNode, depth: number): CNode {
  const span = jsp(n);
  if (depth > 200) return { k: 'scalar', value: null, span, quoted: false };
  if (n.type === 'object') {
    const entries: CEntry[] = [];
    for (const p of n.children ?? []) {
      const [k, v] = p.children ?? [];
      if (!k || !v) continue;
      entries.push({ key: String(k.value), keySpan: jsp(k), value: fromJson(v, depth + 1), span: jsp(p) });
    }
    if (entries.length === 1 && INTRINSICS.has(entries[0].key)) return { k: 'fn', name: entries[0].key, arg: entries[0].value, span, short: false };
    return { k: 'map', entries, span, flow: true };
  }
  if (n.type === 'array') return { k: 'seq', items: (n.children ?? []).map((c) => fromJson(c, depth + 1)), span, flow: true };
  return { k: 'scalar', value: (n.value ?? null) as CNode extends { value: infer V } ? V : never, span, quoted: n.type === 'string' };
}

// ---------- YAML ----------

function parseYaml(text: string): CfnDoc {
  const out: CfnDoc = { format: 'yaml', root: undefined, comments: yamlComments(text), errors: [] };
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { keepSourceTokens: false, uniqueKeys: false, prettyErrors: false, strict: false, version: '1.1', merge: false });
  } catch (err) {
    out.errors.push({ span: { start: 0, end: Math.min(1, text.length) }, message: `YAML: ${tooDeep(String((err as Error)?.message ?? err))}` });
    return out;
  }
  const e = doc.errors[0];
  if (e) out.errors.push({ span: { start: e.pos[0], end: Math.max(e.pos[0] + 1, e.pos[1]) }, message: `YAML: ${tooDeep(e.message.split('\n')[0])}` });
  if (doc.contents) out.root = fromYaml(doc.contents as YNode, text, 0);
  return out;
}

function ysp(n: { range?: [number, number, number] | null }, fallback: number): Span {
  const r = n.range;
  return r ? { start: r[0], end: r[1] } : { start: fallback, end: fallback };
}

function fromYaml(n: YNode, text: string, depth: number, noTag = false): CNode {
  const span = ysp(n as { range?: [number, number, number] }, 0);
  const tag = noTag ? undefined : (n as { tag?: string }).tag;
  const fname = tag && tag.startsWith('!') && !tag.startsWith('!!') ? tagName(tag) : undefined;
  if (fname) {
    const inner = fromYaml(n, text, depth + 1, true);
    // the tag itself is part of the node's text: `!Sub "..."`, `!Join\n  - ...`
    let i = span.start - 1;
    while (i >= 0 && /\s/.test(text[i])) i--;
    const short = '!' + tag!.replace(/^!/, '');
    const start = i + 1 >= short.length && text.slice(i + 1 - short.length, i + 1) === short ? i + 1 - short.length : span.start;
    // a block collection's range runs to the next key: end at its last item
    return { k: 'fn', name: fname, arg: inner, span: { start, end: inner.span.end }, short: true };
  }
  if (depth > 200) return { k: 'scalar', value: null, span, quoted: false };
  if (isMap(n)) {
    const entries: CEntry[] = [];
    for (const it of n.items) {
      if (!isPair(it)) continue;
      const kn = it.key as YNode | null;
      const key = kn && isScalar(kn) ? String(kn.value) : kn ? String((kn as { toString(): string }).toString()) : '';
      const keySpan = kn ? ysp(kn as { range?: [number, number, number] }, span.start) : span;
      const vn = it.value as YNode | null;
      const value: CNode = vn ? fromYaml(vn, text, depth + 1) : { k: 'scalar', value: null, span: { start: keySpan.end, end: keySpan.end }, quoted: false };
      entries.push({ key, keySpan, value, span: { start: keySpan.start, end: Math.max(keySpan.end, value.span.end) } });
    }
    const flow = !!(n as { flow?: boolean }).flow;
    const mspan = flow || !entries.length ? span : { start: span.start, end: entries[entries.length - 1].span.end };
    if (entries.length === 1 && INTRINSICS.has(entries[0].key)) return { k: 'fn', name: entries[0].key, arg: entries[0].value, span: mspan, short: false };
    return { k: 'map', entries, span: mspan, flow };
  }
  if (isSeq(n)) {
    const items = n.items.map((c) => fromYaml(c as YNode, text, depth + 1));
    const flow = !!(n as { flow?: boolean }).flow;
    return { k: 'seq', items, span: flow || !items.length ? span : { start: span.start, end: items[items.length - 1].span.end }, flow };
  }
  if (isScalar(n)) {
    const v = n.value;
    const type = (n as { type?: string }).type;
    const quoted = type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE';
    const value = v === null || v === undefined ? null : typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string' ? v : String(v);
    return { k: 'scalar', value, span, quoted };
  }
  // aliases and anything else: unknown
  return { k: 'scalar', value: null, span, quoted: false };
}

/** `#` comments of a YAML text (a `#` at a line start or after a blank, outside quotes). */
export function yamlComments(text: string): Comment[] {
  const out: Comment[] = [];
  let lineStart = 0;
  let blockIndent = -1; // inside a block scalar (`|`, `>`): lines indented more than its key
  while (lineStart <= text.length) {
    let end = text.indexOf('\n', lineStart);
    if (end < 0) end = text.length;
    const line = text.slice(lineStart, end).replace(/\r$/, '');
    const indent = /^ */.exec(line)![0].length;
    if (blockIndent >= 0 && (line.trim() === '' || indent > blockIndent)) { lineStart = end + 1; continue; }
    blockIndent = -1;
    let q: string | undefined;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (q) { if (c === q) q = undefined; continue; }
      if ((c === '"' || c === "'") && (i === 0 || /[\s:[{,-]/.test(line[i - 1]))) { q = c; continue; }
      if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) { out.push({ text: line.slice(i), span: { start: lineStart + i, end: lineStart + line.length } }); break; }
    }
    if (/:\s*[|>][-+0-9]*\s*(#.*)?$/.test(line) || /^\s*-\s*[|>][-+0-9]*\s*$/.test(line)) blockIndent = indent;
    lineStart = end + 1;
  }
  return out;
}

// ---------- helpers ----------

export function get(n: CNode | undefined, key: string): CNode | undefined {
  if (!n || n.k !== 'map') return undefined;
  for (const e of n.entries) if (e.key === key) return e.value;
  return undefined;
}
export function entry(n: CNode | undefined, key: string): CEntry | undefined {
  if (!n || n.k !== 'map') return undefined;
  return n.entries.find((e) => e.key === key);
}
export function str(n: CNode | undefined): string | undefined {
  return n && n.k === 'scalar' && n.value !== null ? String(n.value) : undefined;
}
