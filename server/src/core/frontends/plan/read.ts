/**
 * Reading a `terraform show -json` plan (Terraform's "JSON Output Format", format_version 0.1 to 1.x)
 * with exact offsets (jsonc-parser): the resource instances that will exist after apply, the
 * configuration tree (module calls, outputs, expressions) and the root variables. Pure.
 */
import { getNodeValue, parseTree, type Node as JNode, type ParseError } from 'jsonc-parser';
import type { Span } from '../../model/ast';
import { tooDeepAt, nestingMessage } from '../../limits';
import { jsonErrorMessage } from '../../model/tfjson';

export const sp = (n: JNode): Span => ({ start: n.offset, end: n.offset + n.length });

/** Property value of a JSON object node. */
export function prop(n: JNode | undefined, key: string): JNode | undefined {
  if (!n || n.type !== 'object') return undefined;
  for (const p of n.children ?? []) {
    const [k, v] = p.children ?? [];
    if (k && k.value === key) return v;
  }
  return undefined;
}
/** `[key node, value node, property node]` of every property of an object node. */
export function props(n: JNode | undefined): [JNode, JNode, JNode][] {
  if (!n || n.type !== 'object') return [];
  const out: [JNode, JNode, JNode][] = [];
  for (const p of n.children ?? []) {
    const [k, v] = p.children ?? [];
    if (k && v) out.push([k, v, p]);
  }
  return out;
}
export function str(n: JNode | undefined): string | undefined { return n && n.type === 'string' ? String(n.value) : undefined; }
export function items(n: JNode | undefined): JNode[] { return n && n.type === 'array' ? n.children ?? [] : []; }

/** Cheap text test before parsing: may this JSON text be a plan? */
export function mayBePlanJson(text: string): boolean {
  const head = text.slice(0, 4096);
  if (!head.includes('"format_version"') && !text.includes('"format_version"')) return false;
  return text.includes('"planned_values"') || text.includes('"resource_changes"') || text.includes('"configuration"');
}

/** A parsed root that is a plan: an object with a string `format_version` and planned values, changes or configuration. */
export function isPlanRoot(root: JNode | undefined): boolean {
  if (!root || root.type !== 'object') return false;
  const fv = str(prop(root, 'format_version'));
  if (fv === undefined || !/^\d+\.\d+$/.test(fv)) return false;
  return !!(prop(root, 'planned_values') || prop(root, 'resource_changes') || prop(root, 'configuration'));
}

/**
 * Is this text a Terraform plan JSON (by content)? `broken`: also when it is not valid JSON but the
 * text test passes (the plan front-end then reports the JSON error in the plan).
 */
export function isPlanJson(text: string, broken = false): boolean {
  if (!mayBePlanJson(text)) return false;
  const key = text + (broken ? '\u0000' : '');
  const hit = verdicts.get(key);
  if (hit !== undefined) return hit;
  const v = planVerdict(text, broken);
  if (verdicts.size >= 4) verdicts.delete(verdicts.keys().next().value!);
  verdicts.set(key, v);
  return v;
}
/** The last verdicts (the editor re-analyses a folder on each keystroke: a plan beside the code is parsed once). */
const verdicts = new Map<string, boolean>();

function planVerdict(text: string, broken: boolean): boolean {
  let j: unknown;
  try { j = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text); } catch { return broken; }
  if (!j || typeof j !== 'object' || Array.isArray(j)) return false;
  const o = j as Record<string, unknown>;
  if (typeof o.format_version !== 'string' || !/^\d+\.\d+$/.test(o.format_version)) return false;
  const isObj = (x: unknown): boolean => !!x && typeof x === 'object';
  return isObj(o.planned_values) || Array.isArray(o.resource_changes) || isObj(o.configuration);
}

export type Mode = 'managed' | 'data';

/** One resource instance of the plan that exists after apply. */
export interface Instance {
  /** Absolute address, e.g. `module.api[0].aws_lambda_permission.x["a"]`. */
  address: string;
  /** Module instance address ('' for the root). */
  module: string;
  mode: Mode;
  type: string;
  name: string;
  /** Instance key (`count` index or `for_each` key). */
  index?: string | number;
  /** The object node that describes the instance (its place in the plan). */
  node: JNode;
  /** The `address` value node (or the node itself). */
  addrNode: JNode;
  /** Known attribute values (object node). */
  values?: JNode;
  /** `after_unknown` (object node), when the plan gives it. */
  unknown?: JNode;
  /** Synthetic local name (unique in the flat model). */
  synth: string;
}

export interface PlanDoc {
  text: string;
  root: JNode | undefined;
  formatVersion?: string;
  /** Parse problem: JSON error, nesting, unsupported major version. */
  error?: { span: Span; message: string };
  instances: Instance[];
  byAddress: Map<string, Instance>;
  /** `configuration.root_module`. */
  config?: JNode;
  /** Root variables (`variables.NAME.value` nodes). */
  variables?: JNode;
}

/** Instance address of a resource in a module instance. */
export function instanceAddress(module: string, mode: Mode, type: string, name: string, index?: string | number): string {
  return (module ? module + '.' : '') + (mode === 'data' ? 'data.' : '') + type + '.' + name + (index === undefined ? '' : '[' + (typeof index === 'number' ? String(index) : JSON.stringify(index)) + ']');
}

/** `module.a[0].module.b["x"]` -> [{name: 'a', key: 0}, {name: 'b', key: 'x'}]. */
export function moduleSegments(module: string): { name: string; key?: string | number }[] {
  const out: { name: string; key?: string | number }[] = [];
  const re = /module\.([A-Za-z_][\w-]*)(?:\[(\d+|"(?:[^"\\]|\\.)*")\])?\.?/y;
  let m: RegExpExecArray | null;
  re.lastIndex = 0;
  while (re.lastIndex < module.length && (m = re.exec(module))) {
    out.push({ name: m[1], key: m[2] === undefined ? undefined : m[2].startsWith('"') ? JSON.parse(m[2]) as string : Number(m[2]) });
  }
  return out;
}

const keyOf = (n: JNode | undefined): string | number | undefined => (n && (n.type === 'string' || n.type === 'number') ? (n.value as string | number) : undefined);

/** Parses a plan's text. Never throws. */
export function readPlan(text: string): PlanDoc {
  const doc: PlanDoc = { text, root: undefined, instances: [], byAddress: new Map() };
  const t = text.charCodeAt(0) === 0xfeff ? ' ' + text.slice(1) : text;
  const deep = tooDeepAt(t, true);
  if (deep >= 0) { doc.error = { span: { start: deep, end: deep + 1 }, message: `JSON: ${nestingMessage()}` }; return doc; }
  const errors: ParseError[] = [];
  const root = parseTree(t, errors, { allowTrailingComma: false, disallowComments: true });
  doc.root = root;
  if (errors.length) {
    const e = errors[0];
    doc.error = { span: { start: e.offset, end: e.offset + Math.max(1, e.length) }, message: `JSON: ${jsonErrorMessage(e)}` };
    return doc;
  }
  const fvNode = prop(root, 'format_version');
  doc.formatVersion = str(fvNode);
  const major = Number(/^(\d+)\./.exec(doc.formatVersion ?? '')?.[1] ?? NaN);
  if (!(major === 0 || major === 1)) {
    doc.error = { span: fvNode ? sp(fvNode) : { start: 0, end: 1 }, message: `Terraform plan format_version ${JSON.stringify(doc.formatVersion)} is not supported (0.x and 1.x are): not analysed` };
    return doc;
  }
  doc.config = prop(prop(root, 'configuration'), 'root_module');
  doc.variables = prop(root, 'variables');

  const seen = new Set<string>();
  let n = 0;
  const add = (i: Omit<Instance, 'synth' | 'address'> & { address?: string }): void => {
    const address = i.address ?? instanceAddress(i.module, i.mode, i.type, i.name, i.index);
    if (seen.has(address)) return;
    seen.add(address);
    const simple = i.module === '' && i.index === undefined && /^[A-Za-z_][\w-]*$/.test(i.name);
    const inst: Instance = { ...i, address, synth: simple ? i.name : `${i.name.replace(/[^\w-]/g, '_')}__lpg${++n}` };
    doc.instances.push(inst);
    doc.byAddress.set(address, inst);
  };
  const fromEntry = (e: JNode, module: string | undefined): Omit<Instance, 'synth' | 'address' | 'values' | 'unknown'> & { address?: string } | undefined => {
    const type = str(prop(e, 'type')), name = str(prop(e, 'name'));
    const mode = str(prop(e, 'mode')) === 'data' ? 'data' : 'managed';
    if (!type || !name) return undefined;
    const addrNode = prop(e, 'address') ?? e;
    const index = keyOf(prop(e, 'index'));
    const mod = module ?? str(prop(e, 'module_address')) ?? '';
    return { module: mod, mode, type, name, index, node: e, addrNode, address: instanceAddress(mod, mode, type, name, index) };
  };

  // 1. resource_changes: what each instance becomes (deleted ones are left out)
  for (const e of items(prop(root, 'resource_changes'))) {
    const base = fromEntry(e, undefined);
    if (!base || prop(e, 'deposed')) continue;
    const ch = prop(e, 'change');
    const actions = items(prop(ch, 'actions')).map((a) => str(a));
    if (actions.length === 1 && actions[0] === 'delete') { seen.add(base.address!); continue; }
    let values = prop(ch, 'after');
    if ((!values || values.type !== 'object') && actions.length === 1 && actions[0] === 'no-op') values = prop(ch, 'before');
    if (!values || values.type !== 'object') continue; // described by planned_values below, if at all
    const unknown = prop(ch, 'after_unknown');
    add({ ...base, values, unknown: unknown?.type === 'object' ? unknown : undefined });
  }
  // 2. planned_values (instances without a change entry), 3. data sources of prior_state
  const walkValues = (m: JNode | undefined, modeFilter?: Mode): void => {
    if (!m) return;
    const module = str(prop(m, 'address')) ?? '';
    for (const e of items(prop(m, 'resources'))) {
      const a = str(prop(e, 'address'));
      if (a !== undefined && seen.has(a)) continue; // described by its change (nearly always: every instance has one)
      const base = fromEntry(e, module);
      if (!base || (modeFilter && base.mode !== modeFilter)) continue;
      const values = prop(e, 'values');
      if (!values || values.type !== 'object') continue;
      add({ ...base, values });
    }
    for (const c of items(prop(m, 'child_modules'))) walkValues(c, modeFilter);
  };
  walkValues(prop(prop(root, 'planned_values'), 'root_module'));
  walkValues(prop(prop(prop(root, 'prior_state'), 'values'), 'root_module'), 'data');
  return doc;
}

/** The configuration module (`root_module` or a `module_calls.X.module`) of a module instance. */
export function configOf(doc: PlanDoc, module: string): JNode | undefined {
  let c = doc.config;
  for (const s of moduleSegments(module)) c = prop(prop(prop(c, 'module_calls'), s.name), 'module');
  return c;
}

/** The configuration of a resource (by module instance, mode, type and name). */
export function resourceConfig(doc: PlanDoc, module: string, mode: Mode, type: string, name: string): JNode | undefined {
  const c = configOf(doc, module);
  if (!c) return undefined;
  let ix = resourceIndex.get(c);
  if (!ix) {
    ix = new Map();
    for (const r of items(prop(c, 'resources'))) {
      const k = `${str(prop(r, 'mode')) ?? 'managed'}.${str(prop(r, 'type'))}.${str(prop(r, 'name'))}`;
      if (!ix.has(k)) ix.set(k, r);
    }
    resourceIndex.set(c, ix);
  }
  return ix.get(`${mode}.${type}.${name}`);
}
/** Resource configurations of a configuration module, by `mode.type.name` (instances of one resource share one). */
const resourceIndex = new WeakMap<JNode, Map<string, JNode>>();

/** Parent module instance and the call (name, key) of a module instance. */
export function parentOf(module: string): { parent: string; name: string; key?: string | number } | undefined {
  const segs = moduleSegments(module);
  const last = segs.pop();
  if (!last) return undefined;
  const parent = segs.map((s) => 'module.' + s.name + (s.key === undefined ? '' : '[' + (typeof s.key === 'number' ? s.key : JSON.stringify(s.key)) + ']')).join('.');
  return { parent, name: last.name, key: last.key };
}

/** Posix join of root-relative folders, resolving `.` and `..` (a leading `..` is kept). */
export function joinDir(base: string, rel: string): string {
  const out: string[] = [];
  for (const seg of [...base.split('/'), ...rel.split('/')]) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && out.length && out[out.length - 1] !== '..') out.pop();
    else out.push(seg);
  }
  return out.join('/');
}

/** `.terraform/modules/modules.json`: module key (`a.b`) -> folder (relative to the root module). */
export function installedModules(modulesJson: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!modulesJson) return out;
  try {
    const j = JSON.parse(modulesJson) as { Modules?: { Key?: string; Dir?: string }[] };
    for (const m of j.Modules ?? []) if (typeof m.Key === 'string' && typeof m.Dir === 'string') out.set(m.Key, m.Dir.replace(/\\/g, '/'));
  } catch { /* not readable: no installed modules */ }
  return out;
}

/**
 * The source folder (root-relative) of every configuration module: `rootDir` for the root, a
 * local `source` (`./x`, `../x`) relative to its caller's folder, or the folder `terraform init`
 * installed it in (`.terraform/modules/modules.json`). Key: the call path (`a.b`, '' for the root).
 */
export function sourceDirs(doc: PlanDoc, rootDir: string, modulesJson?: string): Map<string, string> {
  return sourceDirsOf(doc.config ? getNodeValue(doc.config) : undefined, rootDir, modulesJson);
}

/** The same from `configuration.root_module` as a plain value (`JSON.parse`: no offsets needed). */
export function sourceDirsOf(rootModule: unknown, rootDir: string, modulesJson?: string): Map<string, string> {
  const installed = installedModules(modulesJson);
  const out = new Map<string, string>();
  out.set('', rootDir);
  const obj = (x: unknown): Record<string, unknown> | undefined => (x && typeof x === 'object' && !Array.isArray(x) ? x as Record<string, unknown> : undefined);
  const visit = (c: unknown, key: string, dir: string | undefined, depth: number): void => {
    const calls = obj(obj(c)?.module_calls);
    if (!calls || depth > 50) return;
    for (const [name, callValue] of Object.entries(calls)) {
      const call = obj(callValue);
      if (!call) continue;
      const ck = key ? key + '.' + name : name;
      const src = typeof call.source === 'string' ? call.source : typeof call.resolved_source === 'string' ? call.resolved_source : undefined;
      let d: string | undefined;
      const inst = installed.get(ck);
      if (src && /^\.\.?(\/|$)/.test(src) && dir !== undefined) d = joinDir(dir, src);
      else if (inst !== undefined) d = joinDir(rootDir, inst);
      if (d !== undefined) out.set(ck, d);
      visit(call.module, ck, d, depth + 1);
    }
  };
  visit(rootModule, '', rootDir, 0);
  return out;
}

/** Call path (`a.b`) of a module instance. */
export function callPath(module: string): string {
  return moduleSegments(module).map((s) => s.name).join('.');
}
