/**
 * The wiring graph of a folder: each Lambda function, the triggers that invoke it and, for each
 * trigger, the verdict of the outage rules (permitted by which permission, cannot invoke and why,
 * undecided and why). Read from the wiring index the rules use (`wiringOf`, `verdictOf`,
 * `coverage`, `roleVerdict`): no second computation. Pure; the CLI (`lpg graph`), the language
 * server (CodeLens, hovers, the tree view) and the web page all call `graphOf`.
 */
import type { Range } from './types';
import type { Span } from './model/ast';
import { attr } from './model/ast';
import type { Facts, Permission } from './model/facts';
import { text } from './model/facts';
import type { Resource, SourceFile } from './model/module';
import { ModuleIndex } from './model/module';
import { buildFacts } from './model/facts';
import { knownString } from './model/value';
import { coverage, qualText, verdictOf, wiringOf, type Coverage, type Trigger, type TriggerKind, type Wiring } from './model/wiring';
import { headerSpan, SERVICE_NAMES } from './rules/outage';
import { roleVerdict } from './rules/credentials-role-cannot-invoke';
import { conditionNote } from './rules/missing-invoke-permission';
import { templateGroups } from './frontends/cfn/group';
import { cfnInfo, type CfnInfo } from './frontends/cfn/synth';
import { relabel } from './frontends/cfn/labels';

/** A place in a file of the folder (module-relative path, 0-based LSP range). */
export interface GraphLocation { file: string; range: Range }

export type GraphVerdict = 'permitted' | 'cannot-invoke' | 'undecided';

export interface GraphTrigger {
  /** Unique in the graph: the trigger resource's address (with `.attribute` or `#n` when it holds several triggers). */
  id: string;
  kind: TriggerKind;
  /** Display name of the invoking service: `API Gateway`, `S3 bucket`, `SNS topic`, ... */
  service: string;
  principal: string;
  /** What triggers: `POST /orders`, `s3:ObjectCreated:* on aws_s3_bucket.uploads`, `aws_cloudwatch_event_rule.nightly` (the invoker). */
  label: string;
  /** The trigger resource. */
  resource: string;
  /** The invoking resource (API, bucket, topic, rule, ...), when the folder shows it. */
  invoker?: string;
  /** The qualifier invoked when not the unqualified function: `alias aws_lambda_alias.live`. */
  qualifier?: string;
  verdict: GraphVerdict;
  /** The rule that reports the outage (cannot-invoke only). */
  rule?: string;
  /** One sentence: `permitted by aws_lambda_permission.api`, `no aws_lambda_permission grants ...`, `undecided: ...`. */
  reason: string;
  /** Ids of the permissions involved: the covering ones, the mismatching ones, the undecidable ones. */
  permissions: string[];
  /** The credentials role API Gateway invokes with, when it is one of the folder's. */
  role?: string;
  /** What breaks when it cannot invoke. */
  effect: string;
  /** The trigger resource's header. */
  location: GraphLocation;
  /** The value naming the function (where the outage is reported). */
  reference: GraphLocation;
}

export interface GraphSummary { triggers: number; permitted: number; cannotInvoke: number; undecided: number }

export interface GraphFunction {
  /** `aws_lambda_function.orders` */
  id: string;
  /** Its `function_name`, when known. */
  name?: string;
  location: GraphLocation;
  summary: GraphSummary;
  triggers: GraphTrigger[];
}

export interface GraphPermission {
  /** `aws_lambda_permission.api`, or `policy.json#Sid` for a resource-policy statement. */
  id: string;
  /** The function it is on, when it is one of the folder's. */
  function?: string;
  principal?: string;
  location: GraphLocation;
  /** Triggers it lets in. */
  serves: string[];
  /** Triggers it was meant for but does not match, with why. */
  mismatches: { trigger: string; why: string }[];
  /** Triggers it may or may not let in, with why. */
  undecided: { trigger: string; why: string }[];
}

export interface WiringGraph {
  functions: GraphFunction[];
  permissions: GraphPermission[];
}

/**
 * The graph of a folder's files, grouped as `analyzeModule` groups them: each CloudFormation
 * template is a stack of its own (its graph in CloudFormation terms), the other files one module.
 */
export function graphOfFiles(files: SourceFile[]): WiringGraph {
  const groups = templateGroups(files);
  if (!groups) return graphOf(buildFacts(new ModuleIndex(files)));
  return mergeGraphs(groups.map((g) => graphOf(buildFacts(new ModuleIndex(g.files)))));
}

/** The graphs of a folder's groups (templates, the rest) as one, in file order. */
export function mergeGraphs(graphs: WiringGraph[]): WiringGraph {
  if (graphs.length === 1) return graphs[0];
  const byLoc = (a: { location: GraphLocation }, b: { location: GraphLocation }): number =>
    (a.location.file < b.location.file ? -1 : a.location.file > b.location.file ? 1 : 0) || a.location.range.start.line - b.location.range.start.line || a.location.range.start.character - b.location.range.start.character;
  return { functions: graphs.flatMap((g) => g.functions).sort(byLoc), permissions: graphs.flatMap((g) => g.permissions).sort(byLoc) };
}

/** A template's graph speaks its terms (`AWS::Lambda::Function Orders`, `SourceArn`), as its findings do. */
function inTemplateTerms(g: WiringGraph, info: CfnInfo): WiringGraph {
  const keep = new Set(['file', 'kind', 'verdict', 'rule', 'principal', 'service', 'name']);
  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === 'string') return key !== undefined && keep.has(key) ? v : relabel(info, v);
    if (Array.isArray(v)) return v.map((x) => walk(x, key));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    return v;
  };
  return walk(g) as WiringGraph;
}

/** The wiring graph of analysed facts (reuses the wiring index and verdicts the rules computed on the same facts). */
export function graphOf(facts: Facts): WiringGraph {
  const w = wiringOf(facts);
  const mi = facts.module;
  const loc = (file: SourceFile, span: Span): GraphLocation => ({ file: file.path, range: file.lines.range(span.start, span.end) });
  const fileOf = (path: string): SourceFile | undefined => mi.files.find((f) => f.path === path);
  const order = (a: { file: SourceFile; span: Span }, b: { file: SourceFile; span: Span }): number =>
    (a.file.path < b.file.path ? -1 : a.file.path > b.file.path ? 1 : 0) || a.span.start - b.span.start;

  // permission ids
  const permIds = new Map<Permission, string>();
  const usedIds = new Set<string>();
  const uniqueId = (base: string): string => {
    let id = base;
    for (let i = 2; usedIds.has(id); i++) id = `${base}#${i}`;
    usedIds.add(id);
    return id;
  };
  for (const p of facts.permissions) {
    const base = p.resource ? p.resource.address : `${p.file}#${p.statement?.sid ?? 'line ' + ((fileOf(p.file)?.lines.positionAt(p.span.start).line ?? 0) + 1)}`;
    permIds.set(p, uniqueId(base));
  }
  const pid = (p: Permission): string => permIds.get(p)!;

  // trigger ids: the resource address, `.attr` / `#n` when a resource holds several triggers
  const perResource = new Map<Resource, Trigger[]>();
  for (const t of w.triggers) { const l = perResource.get(t.resource); if (l) l.push(t); else perResource.set(t.resource, [t]); }
  const trigIds = new Map<Trigger, string>();
  usedIds.clear();
  for (const t of w.triggers) {
    const siblings = perResource.get(t.resource)!;
    const same = siblings.filter((x) => x.fnAttr === t.fnAttr);
    const id = siblings.length === 1 ? t.resource.address : same.length === 1 ? `${t.resource.address}.${t.fnAttr}` : `${t.resource.address}#${same.indexOf(t) + 1}`;
    trigIds.set(t, uniqueId(id));
  }

  const gperms = new Map<Permission, GraphPermission>();
  for (const p of facts.permissions) {
    const pf = w.permFn(p);
    const f = fileOf(p.file);
    if (!f) continue;
    gperms.set(p, {
      id: pid(p), function: pf.k === 'fn' ? pf.fn.address : undefined, principal: text(p.principal),
      location: loc(f, p.resource ? headerSpan(p.resource.block) : p.span), serves: [], mismatches: [], undecided: [],
    });
  }

  const functions: GraphFunction[] = [];
  const fns = [...mi.ofType('aws_lambda_function')].sort((a, b) => order({ file: a.file, span: a.block.span }, { file: b.file, span: b.block.span }));
  for (const fn of fns) {
    const triggers = [...w.triggersOn(fn)].sort((a, b) => order({ file: a.resource.file, span: a.fnField.span }, { file: b.resource.file, span: b.fnField.span }) || (a.fnField.file < b.fnField.file ? -1 : 0));
    const gts = triggers.map((t) => graphTrigger(w, t, trigIds.get(t)!, pid, gperms, loc, fileOf));
    const summary: GraphSummary = { triggers: gts.length, permitted: 0, cannotInvoke: 0, undecided: 0 };
    for (const t of gts) { if (t.verdict === 'permitted') summary.permitted++; else if (t.verdict === 'cannot-invoke') summary.cannotInvoke++; else summary.undecided++; }
    const name = fn.multi ? undefined : knownString(mi.evaluate(attr(fn.block, 'function_name')?.value));
    functions.push({ id: fn.address, ...(name !== undefined ? { name } : {}), location: loc(fn.file, headerSpan(fn.block)), summary, triggers: gts });
  }
  const permissions0 = [...gperms.values()].sort((a, b) => (a.location.file < b.location.file ? -1 : a.location.file > b.location.file ? 1 : 0) || a.location.range.start.line - b.location.range.start.line || a.location.range.start.character - b.location.range.start.character);
  const graph: WiringGraph = { functions, permissions: permissions0 };
  const tpl = mi.files.find((f) => f.kind === 'cfn');
  const info = tpl ? cfnInfo(tpl.syntax) : undefined;
  return info ? inTemplateTerms(graph, info) : graph;
}

function triggerLabel(t: Trigger): string {
  const inv = t.invoker?.resource?.address;
  switch (t.kind) {
    case 'rest-integration': case 'v2-integration': return t.detail ?? `integration ${t.resource.address}`;
    case 'rest-authorizer': case 'v2-authorizer': return `authorizer ${t.resource.address}`;
    case 's3': return `${t.detail ?? 'events'} on ${inv ?? t.invoker?.invoker ?? t.invokerName}`;
    case 'cognito': return `${t.detail ?? 'trigger'} of ${t.resource.address}`;
    case 'iot': return t.resource.address;
    default: return inv ?? t.invoker?.invoker ?? t.invokerName;
  }
}

const COMPONENT_WHY: Record<keyof Omit<Coverage, 'all'>, string> = {
  fn: 'its function_name may or may not name this function',
  qual: `its qualifier may or may not be the one invoked`,
  principal: 'its principal is not known',
  action: 'its action is not known',
  source: "its source_arn cannot be compared with the invoker's ARN",
  rest: 'its conditions (source_account, principal_org_id, function URL) cannot be decided',
  cond: 'its CloudFormation condition may or may not hold with the trigger\'s',
};

/** Why a permission may or may not let the trigger in (the coverage components left open). */
function openWhy(w: Wiring, p: Permission, t: Trigger): string {
  const c = coverage(w, p, t);
  const open = (Object.keys(COMPONENT_WHY) as (keyof typeof COMPONENT_WHY)[]).filter((k) => c[k] === 'unknown');
  if (open.length) return open.map((k) => COMPONENT_WHY[k]).join('; ');
  const no = (Object.keys(COMPONENT_WHY) as (keyof typeof COMPONENT_WHY)[]).filter((k) => c[k] === 'no-match');
  return `its ${no.map((k) => (k === 'qual' ? 'qualifier' : k === 'source' ? 'source_arn' : k === 'cond' ? 'CloudFormation condition' : k)).join(' and ')} differ${no.length === 1 ? 's' : ''}`;
}

function graphTrigger(
  w: Wiring, t: Trigger, id: string, pid: (p: Permission) => string, gperms: Map<Permission, GraphPermission>,
  loc: (f: SourceFile, s: Span) => GraphLocation, fileOf: (p: string) => SourceFile | undefined,
): GraphTrigger {
  const v = verdictOf(w, t);
  const named = (ps: Permission[]): string => ps.map(pid).join(', ');
  let verdict: GraphVerdict, reason: string, rule: string | undefined, role: string | undefined;
  let perms: Permission[] = [];
  switch (v.k) {
    case 'covered':
      verdict = 'permitted'; perms = v.perms;
      reason = `permitted by ${named(v.perms)}`;
      for (const p of v.perms) gperms.get(p)?.serves.push(id);
      break;
    case 'missing':
      verdict = 'cannot-invoke'; rule = 'missing-invoke-permission'; perms = v.conditional ?? [];
      reason = `no aws_lambda_permission grants ${t.principal}${t.fn.k === 'fn' && t.fn.qual.k === 'alias' ? ' on the alias' : ''}${conditionNote(v.conditional)}`;
      for (const p of perms) gperms.get(p)?.mismatches.push({ trigger: id, why: `it exists only under another CloudFormation condition than the trigger${conditionNote([p]).replace(/^ whenever it exists/, '')}` });
      break;
    case 'source-mismatch': {
      verdict = 'cannot-invoke'; rule = 'source-arn-mismatch'; perms = v.perms;
      const who = t.invoker ? t.invoker.invoker : t.invokerName;
      reason = `the source_arn of ${named(v.perms)} never matches ${who}'s ARN`;
      for (const p of v.perms) gperms.get(p)?.mismatches.push({ trigger: id, why: `its source_arn never matches ${who}'s ARN` });
      break;
    }
    case 'qualifier-mismatch': {
      verdict = 'cannot-invoke'; rule = 'qualifier-mismatch'; perms = v.perms;
      const invoked = t.fn.k === 'fn' ? qualText(t.fn.qual) : 'an unknown qualifier';
      const grants = v.perms.map((p) => { const pf = w.permFn(p); return pf.k === 'fn' ? qualText(pf.qual) : 'an unknown qualifier'; });
      reason = `it invokes ${invoked}, but ${v.perms.map((p, i) => `${pid(p)} grants ${grants[i]}`).join(', ')}`;
      v.perms.forEach((p, i) => gperms.get(p)?.mismatches.push({ trigger: id, why: `the trigger invokes ${invoked}, the permission grants ${grants[i]}` }));
      break;
    }
    case 'credentials': {
      const rv = roleVerdict(w, t);
      role = rv?.role;
      if (rv?.k === 'permitted') { verdict = 'permitted'; reason = `permitted by the credentials role ${rv.role}`; }
      else if (rv?.k === 'cannot') { verdict = 'cannot-invoke'; rule = 'credentials-role-cannot-invoke'; reason = `it uses the credentials role ${rv.role}, ${rv.why}`; }
      else { verdict = 'undecided'; reason = `it invokes with a credentials role: ${rv?.why ?? 'the role is not known'}`; }
      break;
    }
    case 'unknown':
      verdict = 'undecided';
      if (v.why.k === 'module') reason = `module "${v.why.module}" is handed the function and may grant the permission`;
      else if (v.why.k === 'fn') reason = 'the function it invokes is not known';
      else {
        perms = v.why.perms;
        const whys = v.why.perms.map((p) => ({ p, why: openWhy(w, p, t) }));
        reason = whys.map((x) => `${pid(x.p)}: ${x.why}`).join('; ');
        for (const x of whys) gperms.get(x.p)?.undecided.push({ trigger: id, why: x.why });
      }
      break;
  }
  const fnFile = fileOf(t.fnField.file) ?? t.resource.file;
  const inv = t.invoker?.resource?.address;
  const out: GraphTrigger = {
    id, kind: t.kind, service: SERVICE_NAMES[t.service] ?? t.service, principal: t.principal,
    label: triggerLabel(t), resource: t.resource.address,
    ...(inv ? { invoker: inv } : {}),
    ...(t.fn.k === 'fn' && t.fn.qual.k !== 'none' ? { qualifier: qualText(t.fn.qual) } : {}),
    verdict, ...(rule ? { rule } : {}), reason, permissions: perms.map(pid), ...(role ? { role } : {}),
    effect: t.effect,
    location: loc(t.resource.file, headerSpan(t.resource.block)),
    reference: loc(fnFile, t.fnField.span),
  };
  return out;
}

/** `3 triggers · 1 cannot invoke`, `2 triggers · all permitted`, `1 trigger · 1 undecided`, `no triggers in this folder`. */
export function summaryText(s: GraphSummary): string {
  if (!s.triggers) return 'no triggers in this folder';
  const head = `${s.triggers} trigger${s.triggers === 1 ? '' : 's'}`;
  if (s.permitted === s.triggers) return `${head} · all permitted`;
  const parts: string[] = [];
  if (s.cannotInvoke) parts.push(`${s.cannotInvoke} cannot invoke`);
  if (s.undecided) parts.push(`${s.undecided} undecided`);
  return `${head} · ${parts.join(' · ')}`;
}
