import { parseTree, type Node as JNode, type ParseError, printParseErrorCode } from 'jsonc-parser';
import type { Block, Attribute, Expr, FileSyntax, ObjItem, Span, TmplPart, TravStep } from './ast';

/** Nested block types (of the resources this product reads) that Terraform JSON writes as objects. */
const NESTED_BLOCKS = new Set([
  'statement', 'principals', 'not_principals', 'condition', 'lambda_function', 'lambda_config',
  'lambda', 'inline_policy', 'dynamic', 'content', 'topic', 'queue', 'cors', 'input_transformer',
]);
/** Top-level block types whose two levels of keys are labels (`resource.type.name`). */
const TWO_LABELS = new Set(['resource', 'data']);
const ONE_LABEL = new Set(['variable', 'module', 'output', 'provider']);

const sp = (n: JNode): Span => ({ start: n.offset, end: n.offset + n.length });

export function parseJsonFile(text: string): { root: JNode | undefined; errors: ParseError[] } {
  const errors: ParseError[] = [];
  // A UTF-8 byte order mark is not an error: read it as a space (same length, offsets stay true).
  if (text.charCodeAt(0) === 0xfeff) text = ' ' + text.slice(1);
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: false });
  return { root, errors };
}

export function jsonErrorMessage(e: ParseError): string {
  return printParseErrorCode(e.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** Builds the syntax model of a `.tf.json` file. */
export function syntaxFromTfJson(text: string): FileSyntax {
  const { root, errors } = parseJsonFile(text);
  const out: FileSyntax = { blocks: [], attrs: [], comments: [], errors: errors.slice(0, 1).map((e) => ({ span: { start: e.offset, end: e.offset + Math.max(1, e.length) }, message: jsonErrorMessage(e) })) };
  if (!root || root.type !== 'object') return out;
  for (const prop of root.children ?? []) {
    const [k, v] = prop.children ?? [];
    if (!k || !v) continue;
    const type = String(k.value);
    for (const obj of objects(v)) {
      if (TWO_LABELS.has(type)) {
        for (const p1 of obj.children ?? []) {
          const [k1, v1] = p1.children ?? [];
          if (!k1 || !v1) continue;
          for (const o1 of objects(v1)) for (const p2 of o1.children ?? []) {
            const [k2, v2] = p2.children ?? [];
            if (!k2 || !v2) continue;
            for (const o2 of objects(v2)) out.blocks.push(blockOf(type, [lab(k1), lab(k2)], o2, p2, text));
          }
        }
      } else if (ONE_LABEL.has(type)) {
        for (const p1 of obj.children ?? []) {
          const [k1, v1] = p1.children ?? [];
          if (!k1 || !v1) continue;
          for (const o1 of objects(v1)) out.blocks.push(blockOf(type, [lab(k1)], o1, p1, text));
        }
      } else {
        out.blocks.push(blockOf(type, [], obj, prop, text));
      }
    }
  }
  return out;
}

function lab(k: JNode): { value: string; span: Span } { return { value: String(k.value), span: sp(k) }; }
function objects(v: JNode): JNode[] {
  if (v.type === 'object') return [v];
  if (v.type === 'array') return (v.children ?? []).filter((c) => c.type === 'object');
  return [];
}

function blockOf(type: string, labels: Block['labels'], obj: JNode, owner: JNode, text: string): Block {
  const attrs: Attribute[] = [];
  const blocks: Block[] = [];
  for (const p of obj.children ?? []) {
    const [k, v] = p.children ?? [];
    if (!k || !v) continue;
    const name = String(k.value);
    if (NESTED_BLOCKS.has(name) && (v.type === 'object' || (v.type === 'array' && (v.children ?? []).every((c) => c.type === 'object')))) {
      for (const o of objects(v)) blocks.push(blockOf(name, [], o, p, text));
    } else {
      attrs.push({ name, nameSpan: sp(k), value: jsonExpr(v, text), span: sp(p) });
    }
  }
  return { type, labels, attrs, blocks, span: sp(owner), bodyStart: obj.offset + 1, bodyEnd: obj.offset + obj.length - 1, hasError: false, json: true };
}

/** Converts a JSON value of Terraform JSON syntax into an expression (strings are templates). */
export function jsonExpr(v: JNode, text: string): Expr {
  const span = sp(v);
  switch (v.type) {
    case 'string': return stringTemplate(String(v.value), span, text);
    case 'number': case 'boolean': return { t: 'lit', value: v.value as number | boolean, span };
    case 'null': return { t: 'lit', value: null, span };
    case 'array': return { t: 'tuple', items: (v.children ?? []).map((c) => jsonExpr(c, text)), span };
    case 'object': {
      const items: ObjItem[] = [];
      for (const p of v.children ?? []) {
        const [k, val] = p.children ?? [];
        if (!k || !val) continue;
        items.push({ keyName: String(k.value), key: { t: 'lit', value: String(k.value), span: sp(k) }, value: jsonExpr(val, text), span: sp(p) });
      }
      return { t: 'obj', items, span };
    }
    default: return { t: 'other', span, text: text.slice(span.start, span.end) };
  }
}

/** Splits a Terraform JSON string into literal text and `${traversal}` parts. Offsets are exact when the raw JSON string has no escapes. */
function stringTemplate(value: string, span: Span, text: string): Expr {
  if (!value.includes('${')) return { t: 'lit', value, span };
  const raw = text.slice(span.start + 1, span.end - 1);
  const exact = raw === value;
  const base = span.start + 1;
  const parts: TmplPart[] = [];
  const re = /\$\{([^}]*)\}/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(value))) {
    if (m.index > 0 && value[m.index - 1] === '$') continue;
    const at = (i: number): number => (exact ? base + i : span.start);
    if (m.index > last) parts.push({ k: 'text', text: value.slice(last, m.index), span: { start: at(last), end: at(m.index) } });
    const inner = m[1].trim();
    const ispan = { start: at(m.index), end: exact ? at(m.index + m[0].length) : span.end };
    const trav = parseTraversal(inner, ispan);
    parts.push({ k: 'expr', expr: trav ?? { t: 'other', span: ispan, text: inner }, span: ispan });
    last = m.index + m[0].length;
  }
  if (last < value.length) parts.push({ k: 'text', text: value.slice(last), span: { start: exact ? base + last : span.start, end: exact ? base + value.length : span.end } });
  return { t: 'tmpl', parts, span };
}

/** Parses `a.b[0].c["k"]` or `a.b[each.key]`; anything else is not a traversal. */
export function parseTraversal(s: string, span: Span): Expr | undefined {
  const m = /^([A-Za-z_][\w-]*)((?:\.[A-Za-z_][\w-]*|\.\d+|\[(?:"[^"]*"|\d+|[A-Za-z_][\w.]*|\*)\])*)$/.exec(s);
  if (!m) return undefined;
  const steps: TravStep[] = [];
  const re = /\.([A-Za-z_][\w-]*|\d+)|\[("[^"]*"|\d+|[A-Za-z_][\w.]*|\*)\]/g;
  let x: RegExpExecArray | null;
  while ((x = re.exec(m[2]))) {
    if (x[1] !== undefined) {
      if (/^\d+$/.test(x[1])) steps.push({ k: 'index', expr: { t: 'lit', value: Number(x[1]), span }, span });
      else steps.push({ k: 'attr', name: x[1], span });
    } else if (x[2] === '*') steps.push({ k: 'splat', span });
    else if (x[2].startsWith('"')) steps.push({ k: 'index', expr: { t: 'lit', value: x[2].slice(1, -1), span }, span });
    else if (/^\d+$/.test(x[2])) steps.push({ k: 'index', expr: { t: 'lit', value: Number(x[2]), span }, span });
    else steps.push({ k: 'index', expr: parseTraversal(x[2], span) ?? { t: 'other', span, text: x[2] }, span });
  }
  return { t: 'trav', root: m[1], steps, span };
}
