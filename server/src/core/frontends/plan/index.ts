/**
 * The plan front-end: a `terraform show -json` plan becomes one flat synthetic Terraform module
 * (the parser-neutral syntax of `model/ast.ts`) holding every resource instance that exists after
 * apply, of every module instance, so the rules run unchanged. Pure (no fs, no path).
 *
 *  - Names: a root-module instance without key keeps its name; any other gets a unique synthetic
 *    name (`x__lpg7`), replaced by its real plan address (`module.api.aws_lambda_permission.x`) in
 *    every message.
 *  - Values: known values from `resource_changes[].change.after` (else `planned_values`, and data
 *    sources from `prior_state`); a value marked by `after_unknown` is rebuilt: from the `.tf`
 *    expression when the module's source is present (references renamed to the synthetic instances,
 *    `var.x` bound to the caller's argument, `module.x.y` to the child's output, `local.x`,
 *    `each.key`, `count.index` to the instance's), else from `configuration` (`references`).
 *  - Places: a resource whose module source folder is present is placed at its `.tf` block (each
 *    attribute at its `.tf` attribute), else at its entry in the plan JSON.
 */
import type { Node as JNode } from 'jsonc-parser';
import { getNodeValue } from 'jsonc-parser';
import type { Attribute, Block, Expr, FileSyntax, Span, TravStep } from '../../model/ast';
import { attr } from '../../model/ast';
import { LineIndex } from '../../text';
import type { SourceFile } from '../../model/module';
import { parseTraversal } from '../../model/tfjson';
import { analyzeModule, type AnalyzeOptions } from '../../analyze';
import type { Finding, Fix } from '../../types';
import {
  callPath, configOf, instanceAddress, items, parentOf, prop, props, readPlan, resourceConfig, sourceDirs, sourceDirsOf, sp, str,
  type Instance, type PlanDoc,
} from './read';

export { isPlanJson, mayBePlanJson, readPlan, sourceDirs } from './read';

/** Nested block types (of the resources the rules read), written as arrays of objects in plan values. */
const NESTED_BLOCKS = new Set([
  'statement', 'principals', 'not_principals', 'condition', 'lambda_function', 'lambda_config',
  'lambda', 'inline_policy', 'topic', 'queue', 'cors', 'input_transformer', 'error_action',
  'custom_sms_sender', 'custom_email_sender', 'pre_token_generation_config',
]);
/** Attributes holding a JSON policy document as a string. */
const POLICY_ATTRS = new Set(['policy', 'assume_role_policy']);
/**
 * Attributes whose unknown value, when `configuration` gives exactly one reference and no `.tf`
 * source is present, is NOT read as that bare reference: a permission's source ARN is often the
 * reference plus a suffix (`"${aws_api_gateway_rest_api.api.execution_arn}/*\/*"`), which the plan
 * does not record, so it is read as the reference followed by unknown text.
 */
const NOT_BARE = new Set(['source_arn', 'source_account', 'principal', 'qualifier', 'event_source_token', 'principal_org_id']);

export interface PlanInput {
  /** Root-relative path of the plan file (`/` separators). */
  planPath: string;
  planText: string;
  /** Root-relative folder of the root module's source ('' = the scan root). */
  rootDir: string;
  /** Source files (`.tf`, `.tf.json`) of the module folders, root-relative paths, syntax built. */
  sources?: SourceFile[];
  /** Text of `.terraform/modules/modules.json` of the root module, when present. */
  modulesJson?: string;
}

/** The folders whose `.tf` files the front-end can map findings to (root-relative); read them for `sources`. */
export function planSourceFolders(planText: string, rootDir: string, modulesJson?: string): string[] {
  let j: unknown;
  try { j = JSON.parse(planText.charCodeAt(0) === 0xfeff ? planText.slice(1) : planText); } catch { return []; }
  const conf = j && typeof j === 'object' ? (j as { configuration?: { root_module?: unknown } }).configuration : undefined;
  return [...new Set(sourceDirsOf(conf && typeof conf === 'object' ? conf.root_module : undefined, rootDir, modulesJson).values())];
}

interface Env { module: string; key?: string | number; depth: number }

interface SrcIndex {
  resources: Map<string, { block: Block; file: SourceFile }>;
  locals: Map<string, { attr: Attribute; file: SourceFile }>;
  outputs: Map<string, { block: Block; file: SourceFile }>;
  modules: Map<string, { block: Block; file: SourceFile }>;
  variables: Map<string, { block: Block; file: SourceFile }>;
}

interface Placement { inst: Instance; file: string; span: Span; local: string }

const other = (span: Span, text = '<unknown>'): Expr => ({ t: 'other', span, text });

/** Most expression nodes a resolved reference may bring along (a chain of locals each read several times grows exponentially). */
const MAX_RESOLVED_NODES = 5000;

/**
 * A copy of an expression with every span replaced (values resolved in another file keep the place
 * of the reference); unknown when it has more than MAX_RESOLVED_NODES nodes.
 */
function respan(e: Expr, span: Span): Expr {
  const budget = { n: MAX_RESOLVED_NODES };
  const r = respanIn(e, span, budget);
  return budget.n < 0 ? other(span) : r;
}
function respanIn(e: Expr, span: Span, b: { n: number }): Expr {
  if (--b.n < 0) return other(span);
  switch (e.t) {
    case 'lit': return { ...e, span };
    case 'other': return { ...e, span };
    case 'tmpl': return { t: 'tmpl', span, parts: e.parts.map((p) => (p.k === 'expr' ? { k: 'expr', expr: respanIn(p.expr, span, b), span } : { ...p, span })) };
    case 'trav': return { t: 'trav', root: e.root, span, steps: e.steps.map((s) => (s.k === 'index' ? { k: 'index', expr: respanIn(s.expr, span, b), span } : { ...s, span })) };
    case 'call': return { t: 'call', name: e.name, span, args: e.args.map((a) => respanIn(a, span, b)) };
    case 'obj': return { t: 'obj', span, items: e.items.map((it) => ({ keyName: it.keyName, key: respanIn(it.key, span, b), value: respanIn(it.value, span, b), span })) };
    case 'tuple': return { t: 'tuple', span, items: e.items.map((x) => respanIn(x, span, b)) };
  }
}

/** An expression of a plain JSON value (all at `span`). */
function valueExpr(v: unknown, span: Span): Expr {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return { t: 'lit', value: v, span };
  if (Array.isArray(v)) return { t: 'tuple', items: v.map((x) => valueExpr(x, span)), span };
  if (typeof v === 'object') return { t: 'obj', span, items: Object.entries(v as Record<string, unknown>).map(([k, x]) => ({ keyName: k, key: { t: 'lit', value: k, span }, value: valueExpr(x, span), span })) };
  return other(span);
}

/** An expression of a JSON node of known value: at the node's own spans, or all at `at`. */
function nodeExpr(n: JNode, at?: Span, policyAttr = false): Expr {
  const span = at ?? sp(n);
  switch (n.type) {
    case 'string': {
      const s = String(n.value);
      if (policyAttr && s.includes('Statement')) {
        try {
          const j: unknown = JSON.parse(s);
          if (j && typeof j === 'object' && !Array.isArray(j)) return { t: 'call', name: 'jsonencode', args: [valueExpr(j, span)], span };
        } catch { /* not JSON: a plain string */ }
      }
      return { t: 'lit', value: s, span };
    }
    case 'number': case 'boolean': return { t: 'lit', value: n.value as number | boolean, span };
    case 'null': return { t: 'lit', value: null, span };
    case 'array': return { t: 'tuple', items: (n.children ?? []).map((c) => nodeExpr(c, at)), span };
    case 'object': return { t: 'obj', span, items: props(n).map(([k, v, p]) => ({ keyName: String(k.value), key: { t: 'lit', value: String(k.value), span: at ?? sp(k) }, value: nodeExpr(v, at), span: at ?? sp(p) })) };
    default: return other(span);
  }
}

/** The references of an expression representation that no other reference extends (`a.b.c` over `a.b`, `a`). */
function maximalRefs(refs: string[]): string[] {
  // `each.key` of `aws_x.y[each.key].arn` is listed too: a reference used as another's index is part of it
  return refs.filter((r) => !refs.some((o) => o !== r && (o.startsWith(r + '.') || o.startsWith(r + '[') || o.includes('[' + r + ']'))));
}

class Synth {
  readonly dirs: Map<string, string>;
  private readonly srcByDir = new Map<string, SrcIndex>();
  private readonly filesByDir = new Map<string, SourceFile[]>();
  readonly blocksByFile = new Map<string, Block[]>();
  readonly placements: Placement[] = [];
  /** Module instances per call path (a module called with count/for_each shares its `.tf` among instances). */
  readonly instancesOfCall = new Map<string, Set<string>>();

  /** Instances by synthetic address (`type.synth`, `data.type.synth`). */
  readonly bySynth = new Map<string, Instance>();

  constructor(readonly doc: PlanDoc, readonly input: PlanInput) {
    this.dirs = sourceDirs(doc, input.rootDir, input.modulesJson);
    for (const i of doc.instances) this.bySynth.set((i.mode === 'data' ? 'data.' : '') + i.type + '.' + i.synth, i);
    for (const f of input.sources ?? []) {
      const i = f.path.lastIndexOf('/');
      const d = i < 0 ? '' : f.path.slice(0, i);
      const l = this.filesByDir.get(d);
      if (l) l.push(f); else this.filesByDir.set(d, [f]);
    }
  }

  private src(module: string): SrcIndex | undefined {
    const dir = this.dirs.get(callPath(module));
    if (dir === undefined) return undefined;
    let ix = this.srcByDir.get(dir);
    if (ix) return ix;
    const files = this.filesByDir.get(dir);
    if (!files?.length) return undefined;
    ix = { resources: new Map(), locals: new Map(), outputs: new Map(), modules: new Map(), variables: new Map() };
    for (const f of files) {
      for (const b of f.syntax?.blocks ?? []) {
        const l0 = b.labels[0]?.value, l1 = b.labels[1]?.value;
        if ((b.type === 'resource' || b.type === 'data') && l0 && l1) ix.resources.set(`${b.type === 'data' ? 'data' : 'managed'}.${l0}.${l1}`, { block: b, file: f });
        else if (b.type === 'locals') for (const a of b.attrs) ix.locals.set(a.name, { attr: a, file: f });
        else if (b.type === 'output' && l0) ix.outputs.set(l0, { block: b, file: f });
        else if (b.type === 'module' && l0) ix.modules.set(l0, { block: b, file: f });
        else if (b.type === 'variable' && l0) ix.variables.set(l0, { block: b, file: f });
      }
    }
    this.srcByDir.set(dir, ix);
    return ix;
  }

  build(): void {
    for (const inst of this.doc.instances) {
      const cp = callPath(inst.module);
      const s = this.instancesOfCall.get(cp) ?? new Set();
      s.add(inst.module);
      this.instancesOfCall.set(cp, s);
      const src = this.src(inst.module)?.resources.get(`${inst.mode}.${inst.type}.${inst.name}`);
      const cfg = prop(resourceConfig(this.doc, inst.module, inst.mode, inst.type, inst.name), 'expressions');
      const env: Env = { module: inst.module, key: inst.index, depth: 0 };
      const file = src ? src.file.path : this.input.planPath;
      const fallback = src ? (src.block.labels[1] ?? src.block.labels[0] ?? src.block).span : sp(inst.addrNode);
      const body = this.body(inst.values, inst.unknown, cfg, src?.block, env, fallback, !!src);
      const labelSpan = (i: number): Span => (src ? (src.block.labels[i] ?? src.block.labels[0] ?? src.block).span : sp(inst.addrNode));
      const node = inst.node;
      const block: Block = {
        type: inst.mode === 'data' ? 'data' : 'resource',
        labels: [{ value: inst.type, span: labelSpan(0) }, { value: inst.synth, span: labelSpan(1) }],
        attrs: body.attrs, blocks: body.blocks,
        span: src ? src.block.span : sp(node),
        bodyStart: src ? src.block.bodyStart : node.offset + 1,
        bodyEnd: src ? src.block.bodyEnd : node.offset + node.length - 1,
        hasError: false, json: src ? src.block.json : false, // fixes are never offered in the plan: no JSON edits to build
      };
      const l = this.blocksByFile.get(file);
      if (l) l.push(block); else this.blocksByFile.set(file, [block]);
      const local = instanceAddress('', inst.mode, inst.type, inst.name, inst.index);
      this.placements.push({ inst, file, span: block.span, local });
    }
  }

  /** Attributes and nested blocks of one (nested) block of an instance. */
  private body(values: JNode | undefined, unknown: JNode | undefined, cfg: JNode | undefined, tf: Block | undefined, env: Env, fallback: Span, atSource: boolean): { attrs: Attribute[]; blocks: Block[] } {
    const attrs: Attribute[] = [];
    const blocks: Block[] = [];
    const names = new Map<string, { v?: JNode; vk?: JNode; vp?: JNode; u?: JNode; uk?: JNode; up?: JNode }>();
    for (const [k, v, p] of props(values)) names.set(String(k.value), { v, vk: k, vp: p });
    for (const [k, u, p] of props(unknown)) {
      const e = names.get(String(k.value)) ?? {};
      names.set(String(k.value), { ...e, u, uk: k, up: p });
    }
    for (const [name, x] of names) {
      const unknownHere = x.u?.type === 'boolean' && x.u.value === true;
      const tfAttr = tf ? attr(tf, name) : undefined;
      if (NESTED_BLOCKS.has(name) && !unknownHere && (x.v?.type === 'array' || x.v?.type === 'object')) {
        const list = x.v.type === 'array' ? items(x.v) : [x.v];
        const tfBlocks = tf ? tf.blocks.filter((b) => b.type === name) : [];
        const paired = tfBlocks.length === list.length && !(tf?.blocks.some((b) => b.type === 'dynamic'));
        const cfgList = cfg ? (prop(cfg, name)?.type === 'array' ? items(prop(cfg, name)) : prop(cfg, name) ? [prop(cfg, name)!] : []) : [];
        const ulist = x.u?.type === 'array' ? items(x.u) : x.u?.type === 'object' ? [x.u] : [];
        list.forEach((item, i) => {
          if (item.type !== 'object') return;
          const tb = paired ? tfBlocks[i] : undefined;
          const at = tb ? tb.span : atSource ? (tf ? (tf.blocks.find((b) => b.type === 'dynamic' || b.type === name)?.span ?? fallback) : fallback) : sp(item);
          const inner = this.body(item, ulist[i], cfgList.length === list.length ? cfgList[i] : undefined, tb, env, atSource ? at : sp(item), atSource);
          blocks.push({ type: name, labels: [], attrs: inner.attrs, blocks: inner.blocks, span: at, bodyStart: tb ? tb.bodyStart : at.start, bodyEnd: tb ? tb.bodyEnd : at.end, hasError: false, json: tb ? tb.json : false });
        });
        continue;
      }
      let value: Expr | undefined;
      const bare = !NOT_BARE.has(name);
      // an empty string is how SDKv2 providers show an unset optional argument (and they send nothing for it)
      if (!unknownHere && x.v && x.v.type === 'string' && x.v.value === '') continue;
      if (!unknownHere && x.v && x.v.type !== 'null' && !(x.u && x.u.type !== 'boolean')) {
        value = (x.v.type === 'string' ? this.knownAsReference(String(x.v.value), tfAttr, prop(cfg, name), env, atSource ? (tfAttr ? tfAttr.value.span : fallback) : sp(x.v)) : undefined)
          ?? nodeExpr(x.v, atSource ? (tfAttr ? tfAttr.value.span : fallback) : undefined, POLICY_ATTRS.has(name));
      } else if (unknownHere || (x.u && x.u.type !== 'boolean')) {
        const at = tfAttr ? tfAttr.value.span : atSource ? fallback : sp(x.uk ?? x.vk!);
        if (tfAttr) value = this.rewrite(tfAttr.value, env);
        else { const c = prop(cfg, name); value = c ? this.fromConfig(c, env, at, bare) : undefined; }
      }
      if (!value) continue;
      const nameSpan = tfAttr ? tfAttr.nameSpan : atSource ? fallback : sp(x.vk ?? x.uk!);
      const span = tfAttr ? tfAttr.span : atSource ? fallback : sp(x.vp ?? x.up!);
      attrs.push({ name, nameSpan, value, span });
    }
    return { attrs, blocks };
  }

  /**
   * A known string that is (a prefix of) a reference's known value, as that reference: the wiring
   * matches references, not the ids they stand for (an update plan knows the API's id and the
   * permission's ARN; read as `${aws_api_gateway_rest_api.api.execution_arn}/*\/GET/orders` they are
   * compared as source analysis compares them). At source: the `.tf` expression when it is references
   * and text only; else the plan's one reference whose value starts the string.
   */
  private knownAsReference(value: string, tfAttr: Attribute | undefined, c: JNode | undefined, env: Env, span: Span): Expr | undefined {
    if (tfAttr) {
      const r = this.rewrite(tfAttr.value, env);
      const ok = (e: Expr): boolean => e.t === 'trav' ? this.synthOf(e) !== undefined : e.t === 'tmpl' ? !e.heredoc && e.parts.every((p) => p.k === 'text' || (p.k === 'expr' && ok(p.expr))) : false;
      const hasRef = (e: Expr): boolean => e.t === 'trav' || (e.t === 'tmpl' && e.parts.some((p) => p.k === 'expr' && hasRef(p.expr)));
      return ok(r) && hasRef(r) ? r : undefined;
    }
    if (!c || prop(c, 'constant_value')) return undefined;
    const refs = maximalRefs(items(prop(c, 'references')).map((x) => str(x)).filter((x): x is string => x !== undefined));
    if (refs.length !== 1) return undefined;
    const t = parseTraversal(refs[0], span);
    if (!t || t.t !== 'trav') return undefined;
    const r = respan(this.resolve(t, env, true), span);
    const target = r.t === 'trav' ? this.synthOf(r) : undefined;
    if (!target || r.t !== 'trav') return undefined;
    const known = str(prop(target.inst.values, target.attr));
    if (!known || !value.startsWith(known)) return undefined;
    if (known === value) return r;
    return { t: 'tmpl', span, parts: [{ k: 'expr', expr: r, span }, { k: 'text', text: value.slice(known.length), span }] };
  }

  /** The instance and attribute a synthetic reference (`type.synth.attr`, `data.type.synth.attr`) reads. */
  private synthOf(e: Extract<Expr, { t: 'trav' }>): { inst: Instance; attr: string } | undefined {
    const names = e.steps.map((x) => (x.k === 'attr' ? x.name : undefined));
    const data = e.root === 'data';
    const key = data ? `data.${names[0]}.${names[1]}` : `${e.root}.${names[0]}`;
    const inst = this.bySynth.get(key);
    const attrName = names[data ? 2 : 1];
    if (!inst || !attrName || e.steps.length !== (data ? 3 : 2)) return undefined;
    return { inst, attr: attrName };
  }

  /** An expression rebuilt from an expression representation (`constant_value` / `references`). */
  private fromConfig(c: JNode, env: Env, span: Span, bare: boolean): Expr {
    const cv = prop(c, 'constant_value');
    if (cv) return nodeExpr(cv, span);
    const refs = maximalRefs(items(prop(c, 'references')).map((r) => str(r)).filter((r): r is string => r !== undefined));
    if (refs.length !== 1) return other(span);
    const t = parseTraversal(refs[0], span);
    if (!t || t.t !== 'trav') return other(span);
    const r = respan(this.resolve(t, env, bare), span);
    return bare ? r : { t: 'tmpl', span, parts: [{ k: 'expr', expr: r, span }, { k: 'expr', expr: other(span, '<rest of ' + refs[0] + '>'), span }] };
  }

  /** A `.tf` expression with its references bound in the module instance of `env`. */
  rewrite(e: Expr, env: Env): Expr {
    switch (e.t) {
      case 'trav': return respan(this.resolve(e, env, true), e.span);
      case 'tmpl': return { ...e, parts: e.parts.map((p) => (p.k === 'expr' ? { ...p, expr: this.rewrite(p.expr, env) } : p)) };
      case 'call': return { ...e, args: e.args.map((a) => this.rewrite(a, env)) };
      case 'obj': return { ...e, items: e.items.map((it) => ({ ...it, value: this.rewrite(it.value, env) })) };
      case 'tuple': return { ...e, items: e.items.map((x) => this.rewrite(x, env)) };
      default: return e;
    }
  }

  /** An index step's key: literal, `each.key`, `count.index`. */
  private keyOf(s: TravStep | undefined, env: Env): string | number | undefined | null {
    if (!s || s.k !== 'index') return null;
    const x = s.expr;
    if (x.t === 'lit' && (typeof x.value === 'string' || typeof x.value === 'number')) return x.value;
    if (x.t === 'trav' && x.root === 'each' && x.steps[0]?.k === 'attr' && x.steps[0].name === 'key' && env.key !== undefined) return String(env.key);
    if (x.t === 'trav' && x.root === 'count' && x.steps[0]?.k === 'attr' && x.steps[0].name === 'index' && typeof env.key === 'number') return env.key;
    return undefined;
  }

  /** A reference bound in a module instance: a reference to a synthetic instance, a value, or unknown. */
  private resolve(e: Extract<Expr, { t: 'trav' }>, env: Env, bare: boolean): Expr {
    if (env.depth > 16) return other(e.span);
    const steps = e.steps;
    const nm = (i: number): string | undefined => { const s = steps[i]; return s?.k === 'attr' ? s.name : undefined; };
    const deeper: Env = { ...env, depth: env.depth + 1 };
    switch (e.root) {
      case 'each':
        if (nm(0) === 'key' && env.key !== undefined && steps.length === 1) return { t: 'lit', value: String(env.key), span: e.span };
        return other(e.span);
      case 'count':
        if (nm(0) === 'index' && typeof env.key === 'number' && steps.length === 1) return { t: 'lit', value: env.key, span: e.span };
        return other(e.span);
      case 'var': {
        const name = nm(0);
        if (!name) return other(e.span);
        return this.project(this.memo(`var|${env.module}|${name}|${bare}`, e.span, () => this.variable(name, deeper, e.span, bare)), steps.slice(1), e.span, env);
      }
      case 'local': {
        const name = nm(0);
        const l = name ? this.src(env.module)?.locals.get(name) : undefined;
        if (!l) return other(e.span);
        return this.project(this.memo(`local|${env.module}|${name}`, e.span, () => this.rewrite(l.attr.value, { module: env.module, depth: env.depth + 1 })), steps.slice(1), e.span, env);
      }
      case 'module': {
        const child = nm(0);
        if (!child) return other(e.span);
        let i = 1;
        let key: string | number | undefined;
        const k = this.keyOf(steps[1], env);
        if (k !== null) { if (k === undefined) return other(e.span); key = k; i = 2; }
        const out = nm(i);
        if (!out) return other(e.span);
        const childModule = (env.module ? env.module + '.' : '') + 'module.' + child + (key === undefined ? '' : '[' + (typeof key === 'number' ? key : JSON.stringify(key)) + ']');
        return this.project(this.memo(`output|${childModule}|${out}|${bare}`, e.span, () => this.output(childModule, out, deeper, e.span, bare)), steps.slice(i + 1), e.span, env);
      }
      case 'path': case 'terraform': case 'self':
        return other(e.span);
      default: {
        const data = e.root === 'data';
        const type = data ? nm(0) : e.root;
        const name = data ? nm(1) : nm(0);
        if (!type || !name) return other(e.span);
        let i = data ? 2 : 1;
        const k = this.keyOf(steps[i], env);
        let key: string | number | undefined;
        if (k !== null) { if (k === undefined) return other(e.span); key = k; i++; }
        if (steps[i]?.k === 'splat') return other(e.span);
        const inst = this.doc.byAddress.get(instanceAddress(env.module, data ? 'data' : 'managed', type, name, key));
        if (!inst) return other(e.span);
        const rest = steps.slice(i).map((s) => ({ ...s, span: e.span }));
        const head: TravStep[] = data ? [{ k: 'attr', name: type, span: e.span }, { k: 'attr', name: inst.synth, span: e.span }] : [{ k: 'attr', name: inst.synth, span: e.span }];
        return { t: 'trav', root: data ? 'data' : type, steps: [...head, ...rest], span: e.span };
      }
    }
  }

  private readonly memoised = new Map<string, Expr | null>();
  /**
   * A variable, local or output resolves to the same expression wherever it is read (in its module
   * instance): computed once (a chain of locals each read several times would otherwise grow
   * exponentially), a cycle is unknown.
   */
  private memo(key: string, span: Span, compute: () => Expr): Expr {
    const hit = this.memoised.get(key);
    if (hit === null) return other(span);
    if (hit) return hit; // the caller puts it at its own place (respan)
    this.memoised.set(key, null);
    const v = compute();
    this.memoised.set(key, v);
    return v;
  }

  /** Reads `steps` from an expression (object keys, tuple items, further traversal steps). */
  private project(x: Expr, steps: TravStep[], span: Span, env: Env): Expr {
    let cur = x;
    for (const s of steps) {
      if (cur.t === 'trav') { cur = { ...cur, steps: [...cur.steps, { ...s, span }] }; continue; }
      if (s.k === 'attr' && cur.t === 'obj') { const hit = cur.items.find((it) => it.keyName === s.name); if (!hit) return other(span); cur = hit.value; continue; }
      if (s.k === 'index') {
        const k = this.keyOf(s, env);
        if (cur.t === 'tuple' && typeof k === 'number') { const it = cur.items[k]; if (!it) return other(span); cur = it; continue; }
        if (cur.t === 'obj' && typeof k === 'string') { const hit = cur.items.find((it) => it.keyName === k); if (!hit) return other(span); cur = hit.value; continue; }
      }
      return other(span);
    }
    return cur;
  }

  /** `var.NAME` in a module instance: the root's variable value, or the caller's argument, or the default. */
  private variable(name: string, env: Env, span: Span, bare: boolean): Expr {
    if (env.module === '') {
      const v = prop(prop(this.doc.variables, name), 'value');
      if (v) return nodeExpr(v, span);
    } else {
      const p = parentOf(env.module);
      if (p) {
        const callEnv: Env = { module: p.parent, key: p.key, depth: env.depth };
        const blk = this.src(p.parent)?.modules.get(p.name);
        const a = blk ? attr(blk.block, name) : undefined;
        if (a) return this.rewrite(a.value, callEnv);
        const c = prop(prop(prop(prop(configOf(this.doc, p.parent), 'module_calls'), p.name), 'expressions'), name);
        if (c && !blk) return this.fromConfig(c, callEnv, span, bare);
      }
    }
    const d = prop(prop(prop(configOf(this.doc, env.module), 'variables'), name), 'default');
    if (d) return nodeExpr(d, span);
    const vb = this.src(env.module)?.variables.get(name);
    const da = vb ? attr(vb.block, 'default') : undefined;
    if (da) return this.rewrite(da.value, { module: env.module, depth: env.depth + 1 });
    return other(span);
  }

  /** `module.CHILD.OUT`: the child's output expression, bound in the child instance. */
  private output(childModule: string, out: string, env: Env, span: Span, bare: boolean): Expr {
    const childEnv: Env = { module: childModule, depth: env.depth };
    const o = this.src(childModule)?.outputs.get(out);
    const va = o ? attr(o.block, 'value') : undefined;
    if (va) return this.rewrite(va.value, childEnv);
    const c = prop(prop(prop(configOf(this.doc, childModule), 'outputs'), out), 'expression');
    if (c) return this.fromConfig(c, childEnv, span, bare);
    return other(span);
  }
}

/** A synthetic source file: the same path and text, holding only the synthetic blocks. */
function synthFile(path: string, text: string, kind: SourceFile['kind'], lines: LineIndex, blocks: Block[], base?: FileSyntax, errors: FileSyntax['errors'] = []): SourceFile {
  return { path, text, kind, lines, syntax: { blocks, attrs: [], comments: base?.comments ?? [], errors } };
}

/**
 * The kind the plan file is given in the synthetic module: not `tfjson`, whose fix writers re-parse the
 * file for every fix (5 MB per finding); fixes are never offered in the plan anyway.
 */
const PLAN_KIND: SourceFile['kind'] = 'tf';

/**
 * The text the rules see for the plan file: as long as the plan (offsets and ranges stay true: they are
 * computed with the plan's own line index), made of short lines. Rules read a file's text only to write
 * fixes, and a plan gets none; on the real text (`terraform show -json` writes one line of megabytes)
 * each fix writer's line scan walks the whole plan: 100 findings on a 5,000-resource plan took ~1.7 s.
 */
function standIn(length: number): string {
  return '\tx\n'.repeat(Math.ceil(length / 3)).slice(0, length);
}

/** Candidate resource addresses in a text (`aws_x.y`, `data.aws_x.y`). */
const ROOT_REF_RE = /(?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][\w-]*/g;

const SYNTH_RE = /(?:data\.)?[A-Za-z][\w-]*\.[\w-]+__lpg\d+(?![\w-])/g;

/**
 * Analyses a plan with the rules. Findings (and their files) are root-relative: the plan file, or
 * the `.tf` files of `sources` that the plan's resources map to. Never throws for bad input.
 */
export function analyzePlan(input: PlanInput, opts: AnalyzeOptions = {}): Finding[] {
  const doc = readPlan(input.planText);
  const planLines = new LineIndex(input.planText);
  if (doc.error) return analyzeModule([synthFile(input.planPath, input.planText, PLAN_KIND, planLines, [], undefined, [doc.error])], opts);
  const s = new Synth(doc, input);
  s.build();
  const srcByPath = new Map((input.sources ?? []).map((f) => [f.path, f]));
  const files: SourceFile[] = [synthFile(input.planPath, standIn(input.planText.length), PLAN_KIND, planLines, s.blocksByFile.get(input.planPath) ?? [])];
  for (const [path, blocks] of s.blocksByFile) {
    if (path === input.planPath) continue;
    const f = srcByPath.get(path)!;
    files.push(synthFile(path, f.text, f.kind, f.lines, blocks, f.syntax));
  }
  const findings = analyzeModule(files, { ...opts, only: undefined });
  const bySynth = new Map<string, Instance>();
  for (const p of s.placements) bySynth.set((p.inst.mode === 'data' ? 'data.' : '') + p.inst.type + '.' + p.inst.synth, p.inst);
  const byFile = new Map<string, Placement[]>();
  for (const p of s.placements) { const l = byFile.get(p.file); if (l) l.push(p); else byFile.set(p.file, [p]); }
  return findings.map((f) => mapFinding(f, s, files, input.planPath, bySynth, byFile.get(f.file) ?? []));
}

function mapFinding(f: Finding, s: Synth, files: SourceFile[], planPath: string, bySynth: Map<string, Instance>, placements: Placement[]): Finding {
  const real = (t: string): string => t.replace(SYNTH_RE, (m) => bySynth.get(m)?.address ?? m);
  const named = [...f.message.matchAll(SYNTH_RE)].map((m) => bySynth.get(m[0])).filter((x): x is Instance => !!x);
  // the instance the finding is about: the innermost placement around it (one named in the message when placements share a `.tf` block)
  const file = files.find((x) => x.path === f.file);
  const off = file ? file.lines.offsetAt(f.range.start) : -1;
  const around = placements.filter((p) => p.span.start <= off && off < Math.max(p.span.end, p.span.start + 1));
  const width = (p: Placement): number => p.span.end - p.span.start;
  const inner = around.length ? around.reduce((a, b) => (width(b) < width(a) ? b : a)) : undefined;
  const same = inner ? around.filter((p) => p.span.start === inner.span.start && p.span.end === inner.span.end) : [];
  // instances of one `.tf` block (count/for_each): the one named in the message, else the one whose key the message quotes
  const realMessage = real(f.message);
  const keyed = same.filter((p) => p.inst.index !== undefined && realMessage.includes('[' + (typeof p.inst.index === 'number' ? p.inst.index : JSON.stringify(p.inst.index)) + ']'));
  const place = same.length === 1 ? same[0] : same.find((p) => named.includes(p.inst)) ?? (keyed.length === 1 ? keyed[0] : undefined);
  let message = realMessage;
  if (place && !message.includes(place.inst.address) && (f.file === planPath || place.inst.address !== place.local || same.length > 1)) message += ` (${place.inst.address})`;
  const related = f.related.map((r) => ({ ...r, message: real(r.message) }));
  // fixes only at source, for a `.tf` block of one instance, naming only instances of its module instance
  let fixes: Fix[] = [];
  if (f.file !== planPath && place && same.length === 1 && place.inst.index === undefined && (s.instancesOfCall.get(callPath(place.inst.module))?.size ?? 0) <= 1) {
    const localText = (t: string): string | undefined => {
      // a fix in a child module's file may not name a root-module resource (those keep their own names)
      if (place.inst.module !== '') for (const m of t.matchAll(ROOT_REF_RE)) if (s.doc.byAddress.get(m[0])?.synth === m[0].split('.').pop()) return undefined;
      let ok = true;
      const out = t.replace(SYNTH_RE, (m) => {
        const i = bySynth.get(m);
        if (!i || i.module !== place.inst.module) { ok = false; return m; }
        return instanceAddress('', i.mode, i.type, i.name, i.index);
      });
      return ok ? out : undefined;
    };
    for (const x of f.fixes) {
      if (x.edits.some((e) => e.file === planPath)) continue;
      const title = localText(x.title);
      const edits = x.edits.map((e) => { const t = localText(e.newText); return t === undefined ? undefined : { ...e, newText: t }; });
      if (title === undefined || edits.some((e) => !e)) continue;
      const fix: Fix = { ...x, title, edits: edits as Fix['edits'] };
      if (x.snippet) { const st = localText(x.snippet.text); if (st === undefined) delete fix.snippet; else fix.snippet = { ...x.snippet, text: st }; }
      fixes.push(fix);
    }
  }
  if (f.file === planPath) fixes = [];
  return { ...f, message, related, fixes };
}
