/**
 * Analysis of whole configurations (model/config.ts): the rules run once over a configuration's merged
 * index; findings come back on the real files, with the call chain as related information, and the
 * findings of several configurations (roots) that share a child are merged:
 * - the same mistake in a child from every call: one finding, each call chain as related information;
 * - a mistake from some calls only (it depends on the caller's arguments): the message names the calls,
 *   and only the suppression fix is offered (an edit of the child would change every caller);
 * - a child's `source_arn = var.x` fed a wrong value: the finding goes on the caller's argument;
 * - a fix whose text names something that does not exist where it is written is dropped.
 */
import type { Finding, Fix, RelatedLocation, Range } from './types';
import type { Span, Expr, Block } from './model/ast';
import { attr } from './model/ast';
import { analyzeIndex, type AnalyzeOptions, type SyntaxError } from './analyze';
import { instancePathOf, realPath, type Configuration, type Instance } from './model/config';
import type { SourceFile } from './model/module';

/** A finding of one configuration, on real paths, with the instance it came from. */
export interface InstanceFinding {
  finding: Finding;
  /** The message with instance-qualified addresses. */
  raw: string;
  /** `rootDir|instancePath`: which instance of which configuration. */
  instance: string;
  /** The instance's folder. */
  dir: string;
  /** Path of the instance, and of its caller ('' for the root). */
  path: string;
  parentPath: string;
  /** A module call binds the instance. */
  called: boolean;
  /** Call chain (related locations) and `module.x in file:line` of the call. */
  chain: RelatedLocation[];
  where: string;
  /** Variables the finding's value reads, with the caller's argument for each (when passed). */
  vars: { name: string; arg?: RelatedLocation; argValue?: { file: string; range: Range } }[];
  /** The value is exactly `var.NAME`. */
  sole?: string;
}

/** Findings that carry their source: a configuration's instances. */
const QUALIFIED = /((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+(?:\[[^\]@]*\])?)@(module\.[A-Za-z0-9_-]+(?:\.module\.[A-Za-z0-9_-]+)*)/g;

/** Rewrites `addr@module.a.module.b` as Terraform addresses relative to instance `from`. */
export function displayAddresses(text: string, from: string): string {
  return text.replace(QUALIFIED, (_m, addr: string, inst: string) => {
    if (inst === from) return addr;
    if (from && inst.startsWith(from + '.')) return inst.slice(from.length + 1) + '.' + addr;
    return inst + '.' + addr;
  });
}

const REF = /(?<![\w.:/"-])(data\.[a-z0-9_]+\.[A-Za-z0-9_-]+|module\.[A-Za-z0-9_-]+|var\.[A-Za-z0-9_-]+|local\.[A-Za-z0-9_-]+|[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z_][A-Za-z0-9_-]*)/g;

/** Does every reference of a fix text exist in the instance where it is written? */
function refsResolve(text: string, inst: Instance): boolean {
  const mi = inst.index;
  const suffix = inst.path ? '@' + inst.path : '';
  for (const m of text.matchAll(REF)) {
    const r = m[1];
    const [head, name] = r.split('.');
    if (head === 'var') { if (!mi.variables.has(name)) return false; }
    else if (head === 'local') { if (!mi.locals.has(name)) return false; }
    else if (head === 'module') { if (!mi.modules.has(name)) return false; }
    else if (head === 'data') { if (!mi.data.has(r + suffix)) return false; }
    else if (!mi.resources.has(r + suffix)) return false;
  }
  return true;
}

function instanceByPath(cfg: Configuration, path: string): Instance | undefined {
  return cfg.instances.find((i) => i.path === path);
}

/** Runs the rules over a configuration. Findings carry real paths; `only` (real paths) filters where they are reported. */
export function analyzeConfiguration(cfg: Configuration, opts: AnalyzeOptions = {}): InstanceFinding[] {
  let syntaxErrors: Map<string, SyntaxError | null> | undefined;
  if (opts.syntaxErrors) {
    syntaxErrors = new Map();
    for (const f of cfg.files) { const v = opts.syntaxErrors.get(realPath(f.path)); if (v !== undefined) syntaxErrors.set(f.path, v); }
  }
  const raw = analyzeIndex(cfg.index, cfg.files, { ...opts, syntaxErrors, only: undefined });
  const out: InstanceFinding[] = [];
  const seen = new Set<string>();
  for (const f of raw) {
    const inst = instanceByPath(cfg, instancePathOf(f.file));
    if (!inst) continue;
    let file = realPath(f.file);
    let range = f.range;
    let moved: RelatedLocation | undefined;
    if (/(^|\/)\.terraform\//.test(file) && f.ruleId !== 'parse-error') {
      // inside an installed module: on the call of the configuration's own code, no fix
      let i: Instance | undefined = inst;
      while (i && i.call && /(^|\/)\.terraform\//.test(realPath(i.call.file.path))) i = i.parent;
      if (!i || !i.call) continue;
      moved = { file, range: f.range, message: `in ${inst.path} (installed module)` };
      file = realPath(i.call.file.path);
      range = rangeOf(i.call.file, callSpan(i.call.block));
    }
    if (opts.only && !opts.only.has(file)) continue;
    if (moved) {
      out.push(record(cfg, inst, f.message, { ...f, file, range, message: displayAddresses(f.message, '') + ` (in the installed module ${inst.path})`, fixes: [], related: [moved, ...f.related.map((r) => ({ ...r, file: realPath(r.file), message: displayAddresses(r.message, '') }))] }, false));
      continue;
    }
    if (f.ruleId === 'parse-error') {
      // one per file, whatever the number of instances of its folder
      const k = file + '|' + f.message;
      if (seen.has(k)) continue;
      seen.add(k);
    }
    const fixes: Fix[] = [];
    // an address of the edit's own instance is written as the module itself writes it; any other cannot be written there
    const local = (text: string, file: string): string | undefined => {
      const ip = instancePathOf(file);
      const t = ip ? text.split('@' + ip).join('') : text;
      return /@module\./.test(t) ? undefined : t;
    };
    for (const x of f.fixes) {
      const ok = x.edits.every((e) => { const ei = instanceByPath(cfg, instancePathOf(e.file)); const t = local(e.newText, e.file); return !!ei && t !== undefined && refsResolve(t, ei); });
      if (!ok) continue;
      fixes.push({
        ...x, title: displayAddresses(x.title, inst.path),
        edits: x.edits.map((e) => ({ ...e, file: realPath(e.file), newText: local(e.newText, e.file)! })),
        ...(x.snippet ? { snippet: { ...x.snippet, file: realPath(x.snippet.file), text: local(x.snippet.text, x.snippet.file) ?? x.snippet.text } } : {}),
      });
    }
    const related = f.related.map((r) => ({ ...r, file: realPath(r.file), message: displayAddresses(r.message, inst.path) }));
    out.push(record(cfg, inst, f.message, { ...f, file, message: displayAddresses(f.message, inst.path), fixes, related }, true));
  }
  return out;
}

/** Instances per folder over configurations (a finding of some of them depends on the callers). */
export function instanceCounts(all: Configuration[], into = new Map<string, number>()): Map<string, number> {
  for (const c of all) for (const i of c.instances) into.set(i.dir, (into.get(i.dir) ?? 0) + 1);
  return into;
}

/** The `module "x"` header span of a call. */
function callSpan(b: Block): Span {
  const l = b.labels[b.labels.length - 1];
  return { start: b.span.start, end: l ? l.span.end : b.span.start + b.type.length };
}

function rangeOf(f: SourceFile, s: Span): Range { return f.lines.range(s.start, s.end); }

/** Related locations of the call chain of an instance: each module call from the root down. */
export function callChain(inst: Instance): RelatedLocation[] {
  const hops: Instance[] = [];
  for (let i: Instance | undefined = inst; i && i.call; i = i.parent) hops.unshift(i);
  return hops.map((h) => ({ file: realPath(h.call!.file.path), range: rangeOf(h.call!.file, callSpan(h.call!.block)), message: `called as ${h.path}${h.call!.multi ? ' (count/for_each)' : ''}` }));
}

function where(inst: Instance): string {
  const c = inst.call!;
  return `${inst.path} in ${realPath(c.file.path)}:${c.file.lines.positionAt(c.block.span.start).line + 1}`;
}

/** The attribute (at any depth) of a file whose value holds the offsets. */
function attrAt(f: SourceFile, start: number, end: number): { name: string; value: Expr } | undefined {
  let best: { name: string; value: Expr } | undefined;
  const walk = (b: Block): void => {
    if (b.span.start > start || b.span.end < end) return;
    for (const a of b.attrs) if (a.value.span.start <= start && a.value.span.end >= end) best = a;
    for (const c of b.blocks) walk(c);
  };
  for (const b of f.syntax?.blocks ?? []) walk(b);
  return best;
}

function varsIn(e: Expr, out: Set<string>): void {
  if (e.t === 'trav' && e.root === 'var' && e.steps[0]?.k === 'attr') out.add(e.steps[0].name);
  if (e.t === 'tmpl') for (const p of e.parts) if (p.k === 'expr') varsIn(p.expr, out);
  if (e.t === 'call') for (const a of e.args) varsIn(a, out);
  if (e.t === 'obj') for (const it of e.items) varsIn(it.value, out);
  if (e.t === 'tuple') for (const it of e.items) varsIn(it, out);
  if (e.t === 'trav') for (const s of e.steps) if (s.k === 'index') varsIn(s.expr, out);
}

/** Rules whose finding is about a value: when that value is a caller's argument, the argument is what is wrong. */
const VALUE_RULES = new Set(['source-arn-mismatch', 'broad-source-arn']);

/** A finding with what merging needs of its instance (computed now: the configuration is not kept). */
function record(cfg: Configuration, inst: Instance, raw: string, finding: Finding, inSource: boolean): InstanceFinding {
  const vars: InstanceFinding['vars'] = [];
  let sole: string | undefined;
  if (inSource && inst.call && finding.ruleId !== 'parse-error') {
    const srcFile = inst.files.find((f) => realPath(f.path) === finding.file);
    const at = srcFile ? attrAt(srcFile, srcFile.lines.offsetAt(finding.range.start), srcFile.lines.offsetAt(finding.range.end)) : undefined;
    const names = new Set<string>();
    if (at) varsIn(at.value, names);
    if (at && at.value.t === 'trav' && at.value.root === 'var' && at.value.steps.length === 1 && at.value.steps[0].k === 'attr') sole = at.value.steps[0].name;
    for (const name of names) {
      const a = attr(inst.call.block, name);
      const cf = inst.call.file;
      vars.push(a ? { name, arg: { file: realPath(cf.path), range: rangeOf(cf, a.span), message: `var.${name} passed by ${inst.path}` }, argValue: { file: realPath(cf.path), range: rangeOf(cf, a.value.span) } } : { name });
    }
  }
  return {
    finding, raw, instance: cfg.rootDir + '|' + inst.path, dir: inst.dir, path: inst.path, parentPath: inst.parent?.path ?? '',
    called: !!inst.call, chain: callChain(inst), where: inst.call ? where(inst) : '', vars, sole,
  };
}

/**
 * Merges the findings of several configurations: one finding per place and mistake, each call as
 * related information; caller-dependent mistakes name their calls. `instancesOf(dir)` counts every
 * instance of a folder over all the configurations analysed together.
 */
export function mergeConfigFindings(items: InstanceFinding[], all: Configuration[] | Map<string, number>): Finding[] {
  const instancesOf = all instanceof Map ? all : instanceCounts(all);
  const groups = new Map<string, InstanceFinding[]>();
  const order: string[] = [];
  for (const it of items) {
    const f = it.finding;
    const key = `${f.ruleId}|${f.file}|${f.range.start.line}:${f.range.start.character}-${f.range.end.line}:${f.range.end.character}|${f.message}`;
    const g = groups.get(key);
    if (g) g.push(it); else { groups.set(key, [it]); order.push(key); }
  }
  const out: Finding[] = [];
  for (const key of order) {
    const g = groups.get(key)!;
    const first = g[0].finding;
    const members = g.filter((x) => x.called);
    if (!members.length || first.ruleId === 'parse-error') { out.push(first); continue; }
    const distinct = new Set(g.map((x) => x.instance)).size;
    const sole = g[0].sole;
    const argOf = (m: InstanceFinding, name: string) => m.vars.find((v) => v.name === name && v.arg);
    if (sole && VALUE_RULES.has(first.ruleId) && members.every((m) => argOf(m, sole))) {
      // on each caller's argument: that is the text to change
      for (const m of members) {
        const arg = argOf(m, sole)!;
        out.push({
          ...m.finding,
          file: arg.argValue!.file, range: arg.argValue!.range,
          message: `${displayAddresses(m.raw, m.parentPath)} (the value of ${sole} passed by ${m.where})`,
          fixes: [],
          related: [{ file: first.file, range: first.range, message: `used as var.${sole} here` }, ...m.finding.related, ...m.chain],
        });
      }
      continue;
    }
    const related: RelatedLocation[] = [...first.related];
    const seenRel = new Set(related.map((r) => JSON.stringify(r)));
    const push = (r: RelatedLocation): void => { const k = JSON.stringify(r); if (!seenRel.has(k)) { seenRel.add(k); related.push(r); } };
    for (const m of g) for (const r of m.finding.related) push(r);
    for (const m of members) {
      for (const r of m.chain) push(r);
      for (const v of m.vars) if (v.arg) push(v.arg);
    }
    // the mistake depends on the callers: some calls only, or a value they pass
    const fed = members.some((m) => m.vars.some((v) => v.arg));
    const callerDependent = fed || distinct < (instancesOf.get(g[0].dir) ?? distinct);
    let message = first.message;
    let fixes = first.fixes;
    if (callerDependent) {
      message = `${message} (with the arguments of ${members.map((m) => m.where).join(', ')})`;
      fixes = fixes.filter((x) => x.title.startsWith('Ignore '));
    }
    out.push({ ...first, message, fixes, related });
  }
  return out;
}
