/**
 * Terraform template files (`templatefile()`): policy JSON with `${...}` interpolations and
 * `%{ if }`/`%{ for }` directives, named `.json`, `.tpl`, `.tftpl` or `.json.tpl`.
 *
 * A template is read as JSON after "rendering" it without changing any offset: interpolations
 * become same-length filler (unknown values, or the values the `templatefile()` call passes),
 * directives become spaces, and the body of an `if` whose condition the call's values decide is
 * kept or blanked. An undecidable `if` keeps its body (the configuration can deploy it), unless only
 * the other branch gives JSON. Nothing here reports errors: a template that cannot be read as JSON is
 * no policy (Terraform renders it; the folder cannot say what it becomes).
 */
import { parseTree, type Node as JNode } from 'jsonc-parser';
import type { ModuleIndex, SourceFile } from './module';
import type { Expr } from './ast';
import { findPolicyRoot, guessRole, isEscaped, jsonUnescape, statementsFromJson, type PolicyDoc } from './policy';
import { concat, knownString, type Sym, type Value } from './value';
import { tooDeepAt } from '../limits';

/** Does the text use template syntax (`${`, `%{`, not escaped as `$${`/`%%{`)? */
export function hasTemplateSyntax(text: string): boolean {
  return /(^|[^$])\$\{|(^|[^%])%\{/.test(text);
}

/** A `.tpl`/`.tftpl` file (also `.json.tpl`). */
export function isTemplateName(path: string): boolean {
  const p = path.toLowerCase();
  return p.endsWith('.tpl') || p.endsWith('.tftpl');
}

/** A `.json` file that is no JSON but a Terraform template (interpolations outside strings, directives). */
export function isJsonTemplate(text: string): boolean {
  if (!hasTemplateSyntax(text)) return false;
  const errors: { error: number }[] = [];
  if (tooDeepAt(text, true) >= 0) return false;
  parseTree(text, errors as never, { allowTrailingComma: true });
  return errors.length > 0;
}

interface Piece { k: 'interp' | 'directive'; start: number; end: number; body: string }

/** The `${...}` and `%{...}` sequences of a template, with their inner text (strip markers removed). */
export function templatePieces(text: string): Piece[] {
  const out: Piece[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if ((c === '$' || c === '%') && text[i + 1] === '{') {
      if (text[i - 1] === c && (i < 2 || text[i - 2] !== c)) { i += 2; continue; } // `$${` / `%%{`: literal
      const end = closeBrace(text, i + 2);
      if (end < 0) break;
      let body = text.slice(i + 2, end).trim();
      if (body.startsWith('~')) body = body.slice(1);
      if (body.endsWith('~')) body = body.slice(0, -1);
      out.push({ k: c === '$' ? 'interp' : 'directive', start: i, end: end + 1, body: body.trim() });
      i = end + 1;
      continue;
    }
    i++;
  }
  return out;
}

/** Offset of the `}` closing an expression that starts at `from` (nested braces and quoted strings skipped); -1 if none. */
function closeBrace(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') { if (depth === 0) return i; depth--; }
    else if (c === '\n' && depth === 0 && i - from > 2000) return -1;
  }
  return -1;
}

/** Values passed by the `templatefile()` call (undefined: no call, every interpolation unknown). */
export type TemplateVars = Map<string, Value> | undefined;

/** The value of an interpolation: a name (or `name.attr`) the call passes; unknown otherwise. */
function interpValue(body: string, vars: TemplateVars): Value | undefined {
  if (!vars) return undefined;
  const m = /^([A-Za-z_][\w-]*)((?:\.[A-Za-z_][\w-]*)*)$/.exec(body);
  if (!m) return undefined;
  let v = vars.get(m[1]);
  for (const key of m[2].split('.').slice(1)) {
    if (!v || v.k !== 'obj') return undefined;
    v = v.entries.find((e) => e.key === key)?.value;
  }
  return v;
}

/** true/false when the call's values decide an `if` condition; undefined otherwise. */
export function decideCondition(cond: string, vars: TemplateVars): boolean | undefined {
  if (!vars) return undefined;
  const val = (name: string): Value | undefined => interpValue(name, vars);
  let m = /^(!?)\s*([A-Za-z_][\w.-]*)$/.exec(cond);
  if (m) {
    const v = val(m[2]);
    if (v?.k !== 'bool') return undefined;
    return m[1] ? !v.v : v.v;
  }
  const cmp = /^([A-Za-z_][\w.-]*)\s*(==|!=)\s*(?:"((?:[^"\\]|\\.)*)"|(null|true|false|-?\d+(?:\.\d+)?))$/;
  m = cmp.exec(cond);
  if (!m) { // `"" != name`
    const r = /^("(?:[^"\\]|\\.)*"|null|true|false|-?\d+(?:\.\d+)?)\s*(==|!=)\s*([A-Za-z_][\w.-]*)$/.exec(cond);
    if (r) m = cmp.exec(`${r[3]} ${r[2]} ${r[1]}`);
  }
  if (m) {
    const v = val(m[1]);
    if (!v || v.k === 'unknown') return undefined;
    let eq: boolean | undefined;
    if (m[3] !== undefined) { const s = knownString(v); eq = v.k === 'str' && s !== undefined ? s === JSON.parse('"' + m[3] + '"') : v.k === 'null' ? false : undefined; }
    else if (m[4] === 'null') eq = v.k === 'null';
    else if (m[4] === 'true' || m[4] === 'false') eq = v.k === 'bool' ? String(v.v) === m[4] : v.k === 'null' ? false : undefined;
    else eq = v.k === 'num' ? v.v === Number(m[4]) : v.k === 'null' ? false : undefined;
    if (eq === undefined) return undefined;
    return m[2] === '==' ? eq : !eq;
  }
  m = /^length\(\s*([A-Za-z_][\w.-]*)\s*\)\s*(>|>=|==|!=)\s*(\d+)$/.exec(cond);
  if (m) {
    const v = val(m[1]);
    const n = v?.k === 'list' ? v.items.length : v?.k === 'str' && knownString(v) !== undefined ? knownString(v)!.length : undefined;
    if (n === undefined) return undefined;
    const k = Number(m[3]);
    return m[2] === '>' ? n > k : m[2] === '>=' ? n >= k : m[2] === '==' ? n === k : n !== k;
  }
  return undefined;
}

/** One rendering of a template: JSON-shaped text of the same length, and the interpolations it kept. */
interface Rendering { text: string; interps: { start: number; end: number; value: Value | undefined; body: string }[] }

/**
 * Renders a template into same-length JSON text. `preferIf`: an undecidable `if` keeps its body
 * (true) or its `else` body (false).
 */
export function renderTemplate(text: string, vars: TemplateVars, preferIf: boolean): Rendering | undefined {
  const pieces = templatePieces(text);
  const chars = text.split('');
  const blank = (s: number, e: number): void => { for (let i = s; i < e; i++) if (chars[i] !== '\n' && chars[i] !== '\r') chars[i] = ' '; };
  // directive structure: if/else/endif and for/endfor; text is kept while every enclosing branch is
  const stack: { kind: 'if' | 'for'; keep: boolean }[] = [];
  const live = (): boolean => stack.every((f) => f.keep);
  const inFor = (): boolean => stack.some((f) => f.kind === 'for');
  const interps: Rendering['interps'] = [];
  let segStart = 0;
  for (const p of pieces) {
    if (p.k === 'interp') {
      if (live()) interps.push({ start: p.start, end: p.end, value: inFor() ? undefined : interpValue(p.body, vars), body: p.body });
      continue;
    }
    if (!live()) blank(segStart, p.start);
    blank(p.start, p.end);
    segStart = p.end;
    const word = /^(\w+)/.exec(p.body)?.[1];
    if (word === 'if') stack.push({ kind: 'if', keep: decideCondition(p.body.slice(2).trim(), vars) ?? preferIf });
    else if (word === 'else') {
      const f = stack[stack.length - 1];
      if (!f || f.kind !== 'if') return undefined;
      f.keep = !f.keep;
    } else if (word === 'endif' || word === 'endfor') {
      const f = stack.pop();
      if (!f || f.kind !== (word === 'endif' ? 'if' : 'for')) return undefined;
    } else if (word === 'for') stack.push({ kind: 'for', keep: true });
    else return undefined;
  }
  if (stack.length) return undefined;
  // interpolations inside dropped text were blanked with it; the others get filler of the same length
  const rendered = chars.join('');
  let inString = false;
  let pos = 0;
  for (const it of interps) {
    for (; pos < it.start; pos++) if (rendered[pos] === '"' && !isEscaped(rendered, pos)) inString = !inString;
    const len = it.end - it.start;
    const fill = inString ? 'x'.repeat(len) : 'null' + ' '.repeat(Math.max(0, len - 4));
    for (let i = 0; i < len; i++) chars[it.start + i] = fill[i];
    pos = it.end;
  }
  return { text: chars.join(''), interps };
}


/**
 * The policy a template holds, rendered with the values of a `templatefile()` call (`vars`; undefined
 * when read alone: every interpolation unknown). Undefined when it is no policy JSON.
 */
export function policyFromTemplate(f: SourceFile, vars: TemplateVars): PolicyDoc | undefined {
  if (tooDeepAt(f.text, true) >= 0) return undefined;
  for (const preferIf of [true, false]) {
    const r = renderTemplate(f.text, vars, preferIf);
    if (!r) return undefined;
    const errors: unknown[] = [];
    const root = parseTree(r.text.charCodeAt(0) === 0xfeff ? ' ' + r.text.slice(1) : r.text, errors as never, { allowTrailingComma: true });
    if (errors.length) continue;
    const docNode = findPolicyRoot(root);
    if (!docNode) return undefined;
    const d: PolicyDoc = { file: f.path, span: { start: docNode.offset, end: docNode.offset + docNode.length }, style: 'json', role: 'unknown', statements: [], json: { root: docNode, base: 0 } };
    const strOf = (n: JNode): Value => {
      const s0 = n.offset + 1, s1 = n.offset + n.length - 1;
      const parts: Sym[] = [];
      let cur = s0;
      for (const it of r.interps) {
        if (it.end <= s0 || it.start >= s1) continue;
        if (it.start > cur) parts.push(jsonUnescape(f.text.slice(cur, it.start)));
        const v = it.value;
        if (v && v.k === 'str') parts.push(...v.parts);
        else if (v && (v.k === 'num' || v.k === 'bool')) parts.push(String(v.v));
        else parts.push({ ref: it.body });
        cur = it.end;
      }
      if (cur < s1) parts.push(jsonUnescape(f.text.slice(cur, s1)));
      return { k: 'str', parts: concat(parts) };
    };
    d.statements = statementsFromJson(d, docNode, 0, strOf);
    d.role = guessRole(d);
    return d;
  }
  return undefined;
}

/** The template files of a folder: `.tpl`/`.tftpl`, and `.json` files that are templates (not JSON). */
export function templateFilesOf(files: SourceFile[]): Set<string> {
  const out = new Set<string>();
  for (const f of files) {
    if (isTemplateName(f.path) ? f.text.includes('Statement') : f.kind === 'json' && isJsonTemplate(f.text)) out.add(f.path);
  }
  return out;
}

/** The variables a `templatefile(path, {...})` call passes (undefined when they are not an object). */
export function templateVars(mi: ModuleIndex, e: Expr | undefined): TemplateVars {
  if (!e) return new Map();
  const v = mi.evaluate(e);
  if (v.k !== 'obj') return undefined;
  return new Map(v.entries.map((x) => [x.key, x.value]));
}
