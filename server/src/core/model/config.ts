/**
 * A Terraform configuration: a root module and the tree of module instances it calls, analysed as one.
 *
 * Pure: folders and the `terraform init` manifest come through a host. Each folder is parsed once (the
 * host hands the same source files each time); each module *instance* gets its own ModuleIndex whose
 * variables are bound to the caller's arguments (evaluated in the caller) and whose `module.X.Y`
 * references read the child's outputs (evaluated in the child). Resource addresses carry the instance
 * (`aws_lambda_function.f@module.api`), so one merged index (ConfigIndex) holds every instance and the
 * rules and the wiring index see the whole configuration unchanged.
 *
 * Files of a non-root instance get an instance-tagged path (`modules/api/main.tf` + TAG + `module.api`),
 * so every finding says which instance it came from; configuration.ts maps them back.
 */
import type { Attribute, Block, Expr, FileSyntax, Span } from './ast';
import { attr } from './ast';
import { ModuleIndex, type InstanceScope, type Located, type SourceFile } from './module';
import { tagFile, UNKNOWN, type Value } from './value';
import { knownAbsent } from './cond';
import { pushAll } from '../fix/apply';

/** Separates a file's real path from its instance in instance-tagged paths (never in a file name). */
export const TAG = '\u0000';

/** What the configuration builder reads. Paths are relative to the scan root, `/` separators. */
export interface ConfigHost {
  /** The files of a module folder (same objects each time: parsed once), undefined when the folder does not exist or holds no Terraform. */
  folder(dir: string): SourceFile[] | undefined;
  /** The text of `DIR/.terraform/modules/modules.json`, undefined when absent. */
  manifest?(dir: string): string | undefined;
  /** The literal `source`s of a folder's module calls, read cheaply (without parsing); default: from folder(). */
  sources?(dir: string): string[];
}

export interface BuildOptions {
  /** Variable files given by the user (`--var-file`, `--var`), in precedence order (last wins). */
  varFiles?: SourceFile[];
  /** Deepest module nesting followed (default 10). */
  maxDepth?: number;
  /** false: module calls are not followed (each folder alone, as before configurations). */
  follow?: boolean;
  /** Most module instances in one configuration (default 1000): a call fan-out can grow exponentially with depth. */
  maxInstances?: number;
}

export interface ModuleCall {
  name: string;
  block: Block;
  /** The caller's file (instance-tagged path). */
  file: SourceFile;
  /** `count` or `for_each`: one instance stands for all, its key unknown. */
  multi: boolean;
  source?: string;
}

export interface Instance {
  /** `''` for the root, `module.a`, `module.a.module.b`. */
  path: string;
  /** Folder, relative to the scan root. */
  dir: string;
  files: SourceFile[];
  index: ModuleIndex;
  parent?: Instance;
  call?: ModuleCall;
  children: Map<string, Instance>;
  depth: number;
}

/** A module call not followed, and why (shown in coverage). */
export interface Unresolved { instance: Instance; call: ModuleCall; reason: string }

/** A configuration problem reported once: a missing folder, a cycle, too deep nesting. Real paths. */
export interface ConfigProblem { file: string; span: Span; message: string }

export interface Configuration {
  rootDir: string;
  root: Instance;
  instances: Instance[];
  unresolved: Unresolved[];
  problems: ConfigProblem[];
  index: ConfigIndex;
  /** Every file of every instance (instance-tagged paths), var-files last. */
  files: SourceFile[];
  /** Syntax models used by more than one instance (the others evaluate clones of them). */
  cloned: Set<FileSyntax>;
}

const META = new Set(['source', 'version', 'count', 'for_each', 'providers', 'depends_on']);

export function realPath(p: string): string { const i = p.indexOf(TAG); return i < 0 ? p : p.slice(0, i); }
export function instancePathOf(p: string): string { const i = p.indexOf(TAG); return i < 0 ? '' : p.slice(i + 1); }

/** Joins a folder and a relative module source; undefined when it leaves the scan root. */
export function joinDir(dir: string, rel: string): string | undefined {
  const out = dir === '' ? [] : dir.split('/');
  for (const seg of rel.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') { if (!out.length) return undefined; out.pop(); } else out.push(seg);
  }
  return out.join('/');
}

export function isLocalSource(src: string): boolean { return src === '.' || src === '..' || src.startsWith('./') || src.startsWith('../') || src.startsWith('.\\') || src.startsWith('..\\'); }

/** Module calls of a folder's files: name, block, literal source. */
export function moduleCalls(files: SourceFile[]): { name: string; block: Block; file: SourceFile; source?: string }[] {
  const out: { name: string; block: Block; file: SourceFile; source?: string }[] = [];
  for (const f of files) {
    if ((f.kind !== 'tf' && f.kind !== 'tfjson') || !f.syntax) continue;
    for (const b of f.syntax.blocks) {
      if (b.type !== 'module' || !b.labels.length) continue;
      const s = attr(b, 'source')?.value;
      const source = s && s.t === 'lit' && typeof s.value === 'string' ? s.value : s && s.t === 'tmpl' && s.parts.every((p) => p.k === 'text') ? s.parts.map((p) => (p.k === 'text' ? p.text : '')).join('') : undefined;
      out.push({ name: b.labels[0].value, block: b, file: f, source });
    }
  }
  return out;
}

interface ManifestEntry { Key: string; Source?: string; Dir: string }

function readManifest(text: string | undefined): Map<string, ManifestEntry> | undefined {
  if (text === undefined) return undefined;
  try {
    const j = JSON.parse(text) as { Modules?: ManifestEntry[] };
    const m = new Map<string, ManifestEntry>();
    for (const e of Array.isArray(j?.Modules) ? j.Modules : []) if (e && typeof e.Key === 'string' && typeof e.Dir === 'string') m.set(e.Key, e);
    return m;
  } catch {
    return new Map();
  }
}

/** Root `terraform.tfvars` first, then `*.auto.tfvars` in lexical order (Terraform's order); other `.tfvars` are not loaded. */
function rootVarFiles(files: SourceFile[]): SourceFile[] {
  const base = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
  const tf = files.filter((f) => f.kind === 'tfvars' && base(realPath(f.path)) === 'terraform.tfvars');
  const auto = files.filter((f) => f.kind === 'tfvars' && base(realPath(f.path)).endsWith('.auto.tfvars')).sort((a, b) => (base(a.path) < base(b.path) ? -1 : 1));
  return [...tf, ...auto];
}

function cloneSyntax(s: FileSyntax | undefined): FileSyntax | undefined {
  if (!s) return undefined;
  try { return structuredClone(s); } catch { return s; } // plain data; never throw out of the model
}

/** Builds the configuration rooted at `rootDir`. Never throws for bad input; never loops. */
export function buildConfig(rootDir: string, host: ConfigHost, opts: BuildOptions = {}): Configuration | undefined {
  const rootFiles = host.folder(rootDir);
  if (!rootFiles) return undefined;
  const maxDepth = opts.maxDepth ?? 10;
  const manifest = readManifest(host.manifest?.(rootDir));
  const instances: Instance[] = [];
  const unresolved: Unresolved[] = [];
  const problems: ConfigProblem[] = [];
  const problemKeys = new Set<string>();
  const problem = (file: SourceFile, span: Span, message: string, once?: string): void => {
    const key = once ?? realPath(file.path) + '|' + span.start + '|' + message;
    if (problemKeys.has(key)) return;
    problemKeys.add(key);
    problems.push({ file: realPath(file.path), span, message });
  };

  // syntax models of this configuration: one seen again (a folder called twice, or two folders with the same text, textmodels.ts) is cloned, its expressions evaluate per instance
  const usedSyntax = new Set<FileSyntax>();
  const cloned = new Set<FileSyntax>();
  const make = (dir: string, files: SourceFile[], path: string, parent: Instance | undefined, call: ModuleCall | undefined): Instance => {
    // CloudFormation templates are stacks of their own, not part of a Terraform configuration (analyzeTemplates)
    const own = files.filter((f) => f.kind !== 'tfvars' && f.kind !== 'cfn');
    const instFiles = own.map((f) => {
      const fresh = !f.syntax || !usedSyntax.has(f.syntax);
      if (f.syntax) { if (!fresh) cloned.add(f.syntax); usedSyntax.add(f.syntax); }
      return path === '' && fresh ? f : { ...f, path: path === '' ? f.path : f.path + TAG + path, syntax: fresh ? f.syntax : cloneSyntax(f.syntax) };
    });
    const inst = { path, dir, files: instFiles, parent, call, children: new Map(), depth: parent ? parent.depth + 1 : 0 } as unknown as Instance;
    const inputMemo = new Map<string, Value | undefined>();
    const inputBusy = new Set<string>();
    const outputMemo = new Map<string, Value>();
    const outputBusy = new Set<string>();
    const scope: InstanceScope = {
      suffix: path === '' ? '' : '@' + path,
      called: !!call,
      varFiles: path === '' ? [...rootVarFiles(files), ...(opts.varFiles ?? [])] : undefined,
      input: call && parent ? (name) => {
        if (inputMemo.has(name)) return inputMemo.get(name);
        const a = attr(call.block, name);
        if (!a || META.has(name)) return undefined;
        if (inputBusy.has(name)) return UNKNOWN('var.' + name + ' (cycle)');
        inputBusy.add(name);
        const v = tagFile(parent.index.evaluate(a.value), call.file.path);
        inputBusy.delete(name);
        inputMemo.set(name, v);
        return v;
      } : undefined,
      output: (callName, out) => {
        const child = inst.children.get(callName);
        if (!child || out === undefined) return undefined;
        const key = callName + '.' + out;
        const memo = outputMemo.get(key);
        if (memo) return memo;
        if (outputBusy.has(key)) return UNKNOWN('module.' + key + ' (cycle)');
        let found: { a: Attribute; f: SourceFile } | undefined;
        for (const f of child.files) for (const b of f.syntax?.blocks ?? []) if (b.type === 'output' && b.labels[0]?.value === out) { const a = attr(b, 'value'); if (a) found = { a, f }; }
        if (!found) return UNKNOWN('module.' + key + ' (no such output)');
        outputBusy.add(key);
        const v = tagFile(child.index.evaluate(found.a.value), found.f.path);
        outputBusy.delete(key);
        outputMemo.set(key, v);
        return v;
      },
    };
    inst.index = new ModuleIndex(instFiles, scope);
    instances.push(inst);
    return inst;
  };

  const visit = (inst: Instance, ancestors: string[]): void => {
    for (const c of moduleCalls(inst.files)) {
      if (opts.follow === false) { unresolved.push({ instance: inst, call: { ...c, multi: false }, reason: 'modules not followed' }); continue; }
      const call: ModuleCall = { ...c, multi: !!(attr(c.block, 'count') || attr(c.block, 'for_each')) };
      const srcAttr = attr(c.block, 'source');
      const at = srcAttr ? srcAttr.value.span : c.block.labels[0].span;
      const childPath = (inst.path ? inst.path + '.' : '') + 'module.' + c.name;
      let dir: string | undefined;
      if (c.source === undefined) { unresolved.push({ instance: inst, call, reason: 'module source is not a literal' }); continue; }
      if (isLocalSource(c.source)) {
        dir = joinDir(inst.dir, c.source);
        if (dir === undefined) { unresolved.push({ instance: inst, call, reason: `module source outside the scanned folder: ${c.source}` }); continue; }
      } else {
        const key = childPath.split('.').filter((_, i) => i % 2 === 1).join('.');
        const e = manifest?.get(key);
        if (!e) { unresolved.push({ instance: inst, call, reason: 'module source not installed: run terraform init' }); continue; }
        dir = joinDir(rootDir, e.Dir);
        if (dir === undefined) { unresolved.push({ instance: inst, call, reason: `installed module outside the scanned folder: ${e.Dir}` }); continue; }
      }
      if (ancestors.includes(dir)) {
        problem(c.file, at, `module cycle: ${childPath} calls ${dir === '' ? 'the root folder' : dir} again (${[...ancestors, dir].map((d) => d || '.').join(' -> ')}); not followed`);
        unresolved.push({ instance: inst, call, reason: 'module cycle' });
        continue;
      }
      if (instances.length >= (opts.maxInstances ?? 1000)) {
        problem(c.file, at, `more than ${opts.maxInstances ?? 1000} module instances in the configuration of ${rootDir || '.'}; ${childPath} and the calls after it not followed`, 'instances');
        unresolved.push({ instance: inst, call, reason: 'too many module instances' });
        continue;
      }
      if (inst.depth + 1 > maxDepth) {
        problem(c.file, at, `module nesting deeper than ${maxDepth} levels at ${childPath}; not followed`, 'depth');
        unresolved.push({ instance: inst, call, reason: 'module nesting too deep' });
        continue;
      }
      const files = host.folder(dir);
      if (!files) {
        problem(c.file, at, `module source folder not found: ${dir || '.'} (source = "${c.source}")`);
        unresolved.push({ instance: inst, call, reason: `module source folder not found: ${dir || '.'}` });
        continue;
      }
      const child = make(dir, files, childPath, inst, call);
      inst.children.set(c.name, child);
      visit(child, [...ancestors, dir]);
    }
  };

  const root = make(rootDir, rootFiles, '', undefined, undefined);
  visit(root, [rootDir]);
  const index = new ConfigIndex(instances, unresolved);
  // variable files hold values that findings may point at (a wildcard that only prod.tfvars introduces)
  const files = [...instances.flatMap((i) => i.files), ...(root.index.scope?.varFiles ?? [])];
  return { rootDir, root, instances, unresolved, problems, index, files, cloned };
}

/** Every expression node of a syntax tree (for dispatching evaluation to the owning instance). */
function eachExpr(e: Expr, f: (x: Expr) => void): void {
  f(e);
  switch (e.t) {
    case 'tmpl': for (const p of e.parts) if (p.k === 'expr') eachExpr(p.expr, f); break;
    case 'trav': for (const s of e.steps) if (s.k === 'index') eachExpr(s.expr, f); break;
    case 'call': for (const a of e.args) eachExpr(a, f); break;
    case 'obj': for (const it of e.items) { eachExpr(it.key, f); eachExpr(it.value, f); } break;
    case 'tuple': for (const it of e.items) eachExpr(it, f); break;
    default: break;
  }
}
function eachBlockExpr(b: Block, f: (x: Expr) => void): void {
  for (const a of b.attrs) eachExpr(a.value, f);
  for (const c of b.blocks) eachBlockExpr(c, f);
}

/** The configuration as one index: every instance's resources (instance-qualified addresses), evaluation by the expression's instance. */
export class ConfigIndex extends ModuleIndex {
  private readonly owner = new WeakMap<Expr, ModuleIndex>();

  constructor(readonly instances: Instance[], unresolved: Unresolved[]) {
    super([]);
    for (const inst of instances) {
      const mi = inst.index;
      pushAll(this.files as SourceFile[], inst.files);
      // in a module instance, a resource whose count/for_each is known to be empty does not exist (feature flags of registry modules)
      const absent = new Set<string>();
      if (inst.path) for (const r of mi.resources.values()) if (r.multi && knownAbsent(attr(r.block, 'count') ?? attr(r.block, 'for_each'), mi, r.file.text)) absent.add(r.address);
      for (const [k, r] of mi.resources) if (!absent.has(k)) this.resources.set(k, r);
      for (const [k, r] of mi.data) this.data.set(k, r);
      for (const [k, l0] of mi.byType) { const l = l0.filter((r) => !absent.has(r.address)); const cur = this.byType.get(k); if (cur) pushAll(cur, l); else this.byType.set(k, [...l]); }
      for (const f of [...inst.files, ...(mi.scope?.varFiles ?? [])]) {
        if (!f.syntax) continue;
        const reg = (x: Expr): void => { this.owner.set(x, mi); };
        for (const b of f.syntax.blocks) eachBlockExpr(b, reg);
        for (const a of f.syntax.attrs) eachExpr(a.value, reg);
      }
    }
    // calls not followed stay opaque: a function handed to one may be granted there
    for (const u of unresolved) this.modules.set(u.call.name + (u.instance.path ? '@' + u.instance.path : ''), { value: u.call.block, file: u.call.file } as Located<Block>);
  }

  override evaluate(e: Expr | undefined): Value {
    const o = e ? this.owner.get(e) : undefined;
    return o ? o.evaluate(e) : super.evaluate(e);
  }
}
