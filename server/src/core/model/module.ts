import type { Attribute, Block, Expr, FileSyntax, Span } from './ast';
import { attr } from './ast';
import { LineIndex } from '../text';
import { concat, strVal, tagFile, UNKNOWN, type Sym, type Token, type Value } from './value';

/** `cfn`: a CloudFormation / SAM template (recognised by content, see `source.ts`). */
export type FileKind = 'tf' | 'tfjson' | 'tfvars' | 'json' | 'cfn' | 'other';

export function fileKind(path: string): FileKind {
  const p = path.toLowerCase();
  if (p.endsWith('.tf')) return 'tf';
  if (p.endsWith('.tf.json')) return 'tfjson';
  if (p.endsWith('.tfvars')) return 'tfvars';
  if (p.endsWith('.tfvars.json')) return 'other';
  if (p.endsWith('.json')) return 'json';
  return 'other';
}

/** One file of a module folder. `path` is relative to the folder (or the scan root), with `/` separators. */
export interface SourceFile {
  path: string;
  text: string;
  kind: FileKind;
  lines: LineIndex;
  /** Syntax model for `.tf`, `.tf.json`, `.tfvars`. */
  syntax?: FileSyntax;
}

export interface Resource {
  /** `type.name` (or `data.type.name` for data sources). */
  address: string;
  type: string;
  name: string;
  block: Block;
  file: SourceFile;
  /** true when the block has `for_each` or `count`. */
  multi: boolean;
}

export interface Located<T> { value: T; file: SourceFile }

/**
 * Where a module instance sits in its configuration (model/config.ts). Without one, the index is a
 * folder analysed alone, as a root with no caller.
 */
export interface InstanceScope {
  /** Appended to every resource address so that addresses are unique in the configuration (`@module.api`). */
  suffix: string;
  /** The caller's argument for a variable, evaluated in the caller; undefined when the caller passes none. */
  input?(name: string): Value | undefined;
  /** true when a module call binds this instance (a `null` default is then a known null). */
  called: boolean;
  /** `module.CALL.OUTPUT` of this instance: the child's output value; undefined when the call is not followed. */
  output?(call: string, output: string | undefined): Value | undefined;
  /** Variable files for the root instance (after its own `terraform.tfvars`/`*.auto.tfvars`), in precedence order. */
  varFiles?: SourceFile[];
}

/** Everything of one Terraform module (folder), indexed by name. */
export class ModuleIndex {
  readonly resources = new Map<string, Resource>();
  readonly data = new Map<string, Resource>();
  readonly locals = new Map<string, Located<Attribute>>();
  readonly variables = new Map<string, Located<Block>>();
  readonly tfvars = new Map<string, Located<Attribute>>();
  readonly modules = new Map<string, Located<Block>>();
  readonly byType = new Map<string, Resource[]>();
  private readonly localMemo = new Map<string, Value>();
  private readonly localBusy = new Set<string>();

  constructor(readonly files: SourceFile[], readonly scope?: InstanceScope) {
    for (const f of [...files, ...(scope?.varFiles ?? [])]) {
      if (!f.syntax) continue;
      if (f.kind === 'tfvars') {
        for (const a of f.syntax.attrs) this.tfvars.set(a.name, { value: a, file: f });
        continue;
      }
      if (f.kind !== 'tf' && f.kind !== 'tfjson' && f.kind !== 'cfn') continue;
      for (const b of f.syntax.blocks) {
        if (b.type === 'resource' && b.labels.length >= 2) this.addResource(b.labels[0].value, b.labels[1].value, b, f, false);
        else if (b.type === 'data' && b.labels.length >= 2) this.addResource(b.labels[0].value, b.labels[1].value, b, f, true);
        else if (b.type === 'locals') for (const a of b.attrs) this.locals.set(a.name, { value: a, file: f });
        else if (b.type === 'variable' && b.labels.length >= 1) this.variables.set(b.labels[0].value, { value: b, file: f });
        else if (b.type === 'module' && b.labels.length >= 1) this.modules.set(b.labels[0].value, { value: b, file: f });
      }
    }
  }

  private addResource(type: string, name: string, block: Block, file: SourceFile, isData: boolean): void {
    const address = (isData ? 'data.' : '') + type + '.' + name + (this.scope?.suffix ?? '');
    const r: Resource = { address, type, name, block, file, multi: !!(attr(block, 'for_each') || attr(block, 'count')) };
    (isData ? this.data : this.resources).set(address, r);
    const key = (isData ? 'data.' : '') + type;
    const list = this.byType.get(key);
    if (list) list.push(r); else this.byType.set(key, [r]);
  }

  ofType(type: string): Resource[] { return this.byType.get(type) ?? []; }
  file(path: string): SourceFile | undefined { return this.files.find((f) => f.path === path); }

  /** Evaluates an expression to a (possibly symbolic) value. */
  evaluate(e: Expr | undefined): Value {
    if (!e) return UNKNOWN('absent');
    switch (e.t) {
      case 'lit':
        if (typeof e.value === 'string') return strVal(e.value, e);
        if (typeof e.value === 'number') return { k: 'num', v: e.value, src: e };
        if (typeof e.value === 'boolean') return { k: 'bool', v: e.value, src: e };
        return { k: 'null', src: e };
      case 'tmpl': {
        const parts: Sym[] = [];
        for (const p of e.parts) {
          if (p.k === 'text') parts.push(p.text);
          else if (p.k === 'directive') return UNKNOWN('template directive', e);
          else {
            const v = this.evaluate(p.expr);
            if (v.k === 'str') parts.push(...v.parts);
            else if (v.k === 'num' || v.k === 'bool') parts.push(String(v.v));
            else parts.push({ ref: exprText(p.expr) });
          }
        }
        return { k: 'str', parts: concat(parts), src: e };
      }
      case 'trav': return this.evalTraversal(e);
      case 'obj': {
        const entries: { key: string; value: Value; keySrc?: Expr }[] = [];
        for (const it of e.items) {
          let key = it.keyName;
          if (key === undefined) {
            const kv = this.evaluate(it.key.t === 'other' ? it.key : it.key);
            if (kv.k === 'str' && kv.parts.every((x) => typeof x === 'string')) key = kv.parts.join('');
          }
          if (key === undefined) return UNKNOWN('computed object key', e);
          entries.push({ key, value: this.evaluate(it.value), keySrc: it.key });
        }
        return { k: 'obj', entries, src: e };
      }
      case 'tuple': return { k: 'list', items: e.items.map((x) => this.evaluate(x)), src: e };
      case 'call': return this.evalCall(e);
      default: return UNKNOWN('expression', e);
    }
  }

  private evalCall(e: Extract<Expr, { t: 'call' }>): Value {
    const args = e.args;
    switch (e.name) {
      case 'jsonencode': return args.length === 1 ? { k: 'json', of: this.evaluate(args[0]), src: e } : UNKNOWN('call', e);
      case 'format': {
        const f = this.evaluate(args[0]);
        if (f.k !== 'str' || !f.parts.every((p) => typeof p === 'string')) return UNKNOWN('format', e);
        const fmt = f.parts.join('');
        const vals = args.slice(1).map((a) => this.evaluate(a));
        const parts: Sym[] = [];
        let i = 0, last = 0;
        const re = /%([%sdv])/g;
        let m: RegExpExecArray | null;
        while ((m = re.exec(fmt))) {
          parts.push(fmt.slice(last, m.index));
          last = m.index + m[0].length;
          if (m[1] === '%') { parts.push('%'); continue; }
          const v = vals[i++];
          if (!v) return UNKNOWN('format', e);
          if (v.k === 'str') parts.push(...v.parts);
          else if (v.k === 'num' || v.k === 'bool') parts.push(String(v.v));
          else return UNKNOWN('format', e);
        }
        parts.push(fmt.slice(last));
        return { k: 'str', parts: concat(parts), src: e };
      }
      case 'join': {
        const sep = this.evaluate(args[0]);
        const lists = args.slice(1).map((a) => this.evaluate(a));
        if (sep.k !== 'str' || lists.some((l) => l.k !== 'list')) return UNKNOWN('join', e);
        const parts: Sym[] = [];
        let first = true;
        for (const l of lists) for (const it of (l as Extract<Value, { k: 'list' }>).items) {
          if (!first) parts.push(...sep.parts);
          first = false;
          if (it.k === 'str') parts.push(...it.parts);
          else if (it.k === 'num' || it.k === 'bool') parts.push(String(it.v));
          else return UNKNOWN('join', e);
        }
        return { k: 'str', parts: concat(parts), src: e };
      }
      case 'tostring': return args.length === 1 ? this.evaluate(args[0]) : UNKNOWN('call', e);
      case 'lower': case 'upper': {
        const v = this.evaluate(args[0]);
        if (v.k === 'str' && v.parts.every((p) => typeof p === 'string')) {
          const s = v.parts.join('');
          return strVal(e.name === 'lower' ? s.toLowerCase() : s.toUpperCase(), e);
        }
        return UNKNOWN('call', e);
      }
      default: return UNKNOWN('call ' + e.name, e);
    }
  }

  private evalTraversal(e: Extract<Expr, { t: 'trav' }>): Value {
    const steps = e.steps;
    const name = (i: number): string | undefined => (steps[i]?.k === 'attr' ? (steps[i] as { name: string }).name : undefined);
    if (e.root === 'local' && name(0)) {
      const v = this.local(name(0)!);
      return this.project(v, steps.slice(1), e);
    }
    if (e.root === 'var' && name(0)) {
      const v = this.variable(name(0)!);
      return this.project(v, steps.slice(1), e);
    }
    const text = exprText(e);
    // resource or data references become tokens
    let i = 0;
    let resource: string | undefined;
    if (e.root === 'data' && name(0) && name(1)) { resource = `data.${name(0)}.${name(1)}`; i = 2; }
    else if (e.root === 'module' && name(0)) { resource = `module.${name(0)}`; i = 1; }
    else if (/^[a-z][a-z0-9]*_[a-z0-9_]+$/.test(e.root) && name(0)) { resource = `${e.root}.${name(0)}`; i = 1; }
    if (resource && e.root === 'module' && this.scope?.output) {
      // a followed module call: its output, evaluated in the child (count/for_each: one instance, any key)
      let j = 1;
      if (steps[j]?.k === 'index' || steps[j]?.k === 'splat') j++;
      const out = this.scope.output(name(0)!, name(j));
      if (out) return name(j) === undefined ? out : this.project(out, steps.slice(j + 1), e);
    }
    if (!resource) return { k: 'str', parts: [{ ref: text }], src: e };
    if (this.scope?.suffix) resource += this.scope.suffix;
    let key: string | undefined;
    if (steps[i]?.k === 'index') {
      const ix = steps[i] as Extract<typeof steps[number], { k: 'index' }>;
      const kv = this.evaluate(ix.expr);
      key = kv.k === 'str' && kv.parts.every((p) => typeof p === 'string') ? JSON.stringify(kv.parts.join('')) : kv.k === 'num' ? String(kv.v) : exprText(ix.expr);
      i++;
    } else if (steps[i]?.k === 'splat') return UNKNOWN('splat', e);
    const attrName = name(i);
    const tok: Token = { ref: text, resource, attr: attrName, key };
    return { k: 'str', parts: [tok], src: e };
  }

  private project(v: Value, steps: Extract<Expr, { t: 'trav' }>['steps'], src: Expr): Value {
    let cur = v;
    for (const st of steps) {
      if (cur.k === 'unknown') return UNKNOWN(cur.why, src);
      if (st.k === 'attr' && cur.k === 'obj') {
        const hit = cur.entries.find((x) => x.key === st.name);
        if (!hit) return UNKNOWN('no such key', src);
        cur = hit.value;
      } else if (st.k === 'index') {
        const ix = this.evaluate(st.expr);
        if (cur.k === 'list' && ix.k === 'num') { cur = cur.items[ix.v] ?? UNKNOWN('index', src); }
        else if (cur.k === 'obj' && ix.k === 'str' && ix.parts.every((p) => typeof p === 'string')) {
          const hit = cur.entries.find((x) => x.key === ix.parts.join(''));
          cur = hit ? hit.value : UNKNOWN('no such key', src);
        } else return UNKNOWN('index', src);
      } else return UNKNOWN('traversal', src);
    }
    return cur;
  }

  local(name: string): Value {
    const memo = this.localMemo.get(name);
    if (memo) return memo;
    const l = this.locals.get(name);
    if (!l || this.localBusy.has(name)) return UNKNOWN('local.' + name);
    this.localBusy.add(name);
    const v = tagFile(this.evaluate(l.value.value), l.file.path);
    this.localBusy.delete(name);
    this.localMemo.set(name, v);
    return v;
  }

  variable(name: string): Value {
    const given = this.scope?.input?.(name);
    if (given) return given;
    const tv = this.tfvars.get(name);
    if (tv) return tagFile(this.evaluate(tv.value.value), tv.file.path);
    const decl = this.variables.get(name);
    const def = decl ? attr(decl.value, 'default') : undefined;
    if (def) {
      const v = this.evaluate(def.value);
      // `default = null`: the attribute is left out when a caller passes nothing; with no caller it is unknown
      if (v.k === 'null' && !this.scope?.called) return UNKNOWN('var.' + name + ' (null default, no caller)', def.value);
      return tagFile(v, decl!.file.path);
    }
    return UNKNOWN('var.' + name);
  }
}

/** Canonical text of an expression (used for token identity): the traversal text, else the source text. */
export function exprText(e: Expr): string {
  if (e.t === 'trav') {
    let s = e.root;
    for (const st of e.steps) {
      if (st.k === 'attr') s += '.' + st.name;
      else if (st.k === 'splat') s += '[*]';
      else s += '[' + exprText(st.expr) + ']';
    }
    return s;
  }
  if (e.t === 'other') return e.text;
  if (e.t === 'lit') return JSON.stringify(e.value);
  if (e.t === 'tmpl' && e.parts.every((p) => p.k === 'text')) return JSON.stringify(e.parts.map((p) => (p.k === 'text' ? p.text : '')).join(''));
  return '<' + e.t + '>';
}

export function spanOf(e: { span: Span }): Span { return e.span; }
