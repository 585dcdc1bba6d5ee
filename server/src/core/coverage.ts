/**
 * Coverage you can see: how many triggers (something that invokes a Lambda function) a configuration
 * has, how many the outage rules decided (covered by a permission, or not), and why each other one
 * stayed undecided. "Nothing wrong" and "could not see" must read differently.
 */
import { attr, blocksOf, type Attribute } from './model/ast';
import type { Configuration } from './model/config';
import { realPath, instancePathOf } from './model/config';
import type { Resource } from './model/module';
import { factsOf } from './analyze';
import type { Facts } from './model/facts';
import { cfnInfo } from './frontends/cfn/synth';
import { relabel } from './frontends/cfn/labels';
import { coverage as coverageOfPair, verdictOf, wiringOf, type Trigger, type Wiring } from './model/wiring';
import { symText, tokens, type Value } from './model/value';

export interface Coverage {
  /** Triggers found (a resource wiring an invoker to something that looks like a Lambda function). */
  triggers: number;
  /** Decided: covered by a permission, or reported (missing, mismatch). */
  decided: number;
  covered: number;
  /** Left undecided: each with its reason. */
  undecided: { file: string; line: number; trigger: string; reason: string }[];
  /** Decided ones, with the verdict (not printed; for tests and comparisons). */
  decidedTriggers?: { file: string; line: number; trigger: string; verdict: string }[];
}

export function emptyCoverage(): Coverage { return { triggers: 0, decided: 0, covered: 0, undecided: [] }; }

export function addCoverage(a: Coverage, b: Coverage): Coverage {
  return { triggers: a.triggers + b.triggers, decided: a.decided + b.decided, covered: a.covered + b.covered, undecided: [...a.undecided, ...b.undecided], decidedTriggers: [...(a.decidedTriggers ?? []), ...(b.decidedTriggers ?? [])] };
}

/** Counts undecided reasons: `{reason: n}`, most frequent first. */
export function reasonCounts(c: Coverage): Record<string, number> {
  const m = new Map<string, number>();
  for (const u of c.undecided) m.set(u.reason, (m.get(u.reason) ?? 0) + 1);
  return Object.fromEntries([...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
}

/** Fields of trigger resources that name the invoked function. */
function candidates(r: Resource): Attribute[] {
  const b = r.block;
  const one = (n: string): Attribute[] => { const a = attr(b, n); return a ? [a] : []; };
  switch (r.type) {
    case 'aws_api_gateway_integration': return one('uri');
    case 'aws_api_gateway_authorizer': return one('authorizer_uri');
    case 'aws_apigatewayv2_integration': return one('integration_uri');
    case 'aws_apigatewayv2_authorizer': return one('authorizer_uri');
    case 'aws_s3_bucket_notification': return blocksOf(b, 'lambda_function').flatMap((x) => { const a = attr(x, 'lambda_function_arn'); return a ? [a] : []; });
    case 'aws_sns_topic_subscription': return one('endpoint');
    case 'aws_cloudwatch_event_target': return one('arn');
    case 'aws_cloudwatch_log_subscription_filter': return one('destination_arn');
    case 'aws_lb_target_group_attachment': case 'aws_alb_target_group_attachment': return one('target_id');
    case 'aws_iot_topic_rule': return [...blocksOf(b, 'lambda'), ...blocksOf(b, 'error_action').flatMap((e) => blocksOf(e, 'lambda'))].flatMap((x) => { const a = attr(x, 'function_arn'); return a ? [a] : []; });
    case 'aws_cognito_user_pool': return blocksOf(b, 'lambda_config').flatMap((x) => x.attrs.filter((a) => a.name !== 'kms_key_id'));
    default: return [];
  }
}

const LAMBDAISH = /lambda|function/i;

/** Why a value naming a function is not one the configuration shows. */
function unknownFnReason(cfg: Configuration, r: Resource, v: Value): string {
  if (v.k === 'unknown') return v.why.startsWith('var.') ? 'variable without a value' : `value not evaluated (${v.why})`;
  for (const t of tokens(v)) {
    if (t.resource?.startsWith('module.')) {
      const name = t.resource.slice('module.'.length).replace(/@.*/, '');
      const inst = instancePathOf(r.file.path);
      const u = cfg.unresolved.find((x) => x.call.name === name && x.instance.path === inst);
      return u ? u.reason : 'module output not known';
    }
    if (t.resource?.startsWith('data.')) return 'value from a data source';
    if (t.ref.startsWith('var.')) return 'variable without a value';
    if (t.ref.startsWith('each.') || t.ref.startsWith('count.')) return 'count/for_each key';
  }
  return 'function not defined in the configuration';
}

/** Why the outage rules could not decide a trigger whose function is known. */
function undecidedReason(w: Wiring, t: Trigger): string {
  if (t.fn.k !== 'fn') return 'function unknown';
  const ps = w.permsOn(t.fn.fn);
  for (const p of ps) {
    const c = coverageOfPair(w, p, t);
    if (c.all !== 'unknown') continue;
    if (c.fn === 'unknown') return "a permission's function_name is not known";
    if (c.principal === 'unknown') return "a permission's principal is not known";
    if (c.action === 'unknown') return "a permission's action is not known";
    if (c.qual === 'unknown') return 'qualifier (alias/version) not known';
    if (c.source === 'unknown') return t.source ? "a permission's source_arn is not known" : "the invoker's ARN is not known";
    return 'a permission condition is not known';
  }
  return 'function handed to a module that is not followed';
}

/** The coverage of one configuration. */
export function coverageOf(cfg: Configuration): Coverage {
  const w = wiringOf(factsOf(cfg.index));
  const out = emptyCoverage();
  const known = new Set<string>();
  for (const t of w.triggers) known.add(t.fnField.file + '|' + t.fnField.span.start);
  const seen = new Set<string>();
  for (const r of cfg.index.resources.values()) {
    for (const a of candidates(r)) {
      const key = r.file.path + '|' + a.value.span.start;
      if (seen.has(key)) continue;
      seen.add(key);
      const line = r.file.lines.positionAt(a.value.span.start).line + 1;
      const file = realPath(r.file.path);
      const trigger = r.address.replace(/^(.*)@(.*)$/, '$2.$1');
      if (known.has(key)) {
        count(out, w, w.triggers.filter((t) => t.fnField.file === r.file.path && t.fnField.span.start === a.value.span.start), { file, line, trigger });
        continue;
      }
      const v = cfg.index.evaluate(a.value);
      const text = (symText(v) ?? (v.k === 'unknown' ? v.why : '')) + ' ' + r.file.text.slice(a.value.span.start, a.value.span.end);
      const proto = r.type === 'aws_sns_topic_subscription' ? symText(cfg.index.evaluate(attr(r.block, 'protocol')?.value)) : undefined;
      const proxy = (r.type === 'aws_apigatewayv2_integration' || r.type === 'aws_api_gateway_integration') && symText(cfg.index.evaluate(attr(r.block, r.type === 'aws_apigatewayv2_integration' ? 'integration_type' : 'type')?.value)) === 'AWS_PROXY' && !attr(r.block, 'integration_subtype');
      let lambdaish: boolean;
      if (r.type === 'aws_sns_topic_subscription') lambdaish = proto === 'lambda';
      else if (r.type === 'aws_s3_bucket_notification' || r.type === 'aws_iot_topic_rule' || r.type === 'aws_cognito_user_pool') lambdaish = true; // these fields name functions only
      else lambdaish = proxy || /invoke_arn/.test(text) || LAMBDAISH.test(text);
      if (!lambdaish) continue;
      if (r.type === 'aws_apigatewayv2_integration' || r.type === 'aws_api_gateway_integration') {
        const ty = symText(cfg.index.evaluate(attr(r.block, r.type === 'aws_apigatewayv2_integration' ? 'integration_type' : 'type')?.value));
        if (ty !== undefined && ty !== 'AWS_PROXY' && ty !== 'AWS') continue;
      }
      out.triggers++;
      out.undecided.push({ file, line, trigger, reason: unknownFnReason(cfg, r, v) });
    }
  }
  return out;
}

/**
 * The coverage of a stack analysed outside a Terraform configuration (a CloudFormation/SAM template,
 * a plan): the triggers of its wiring index, decided or not. Paths as the facts' files (the scan's).
 */
export function wiringCoverage(facts: Facts): Coverage {
  const w = wiringOf(facts);
  const out = emptyCoverage();
  const seen = new Set<string>();
  for (const t of w.triggers) {
    const key = t.fnField.file + '|' + t.fnField.span.start;
    if (seen.has(key)) continue;
    seen.add(key);
    const ts = w.triggers.filter((x) => x.fnField.file === t.fnField.file && x.fnField.span.start === t.fnField.span.start);
    const f = facts.module.file(t.fnField.file) ?? t.resource.file;
    const line = f.lines.positionAt(t.fnField.span.start).line + 1;
    const file = realPath(f.path);
    // a template's trigger and reasons in CloudFormation terms (`AWS::ApiGateway::Method GetItems`, SourceArn)
    const info = t.resource.file.kind === 'cfn' ? cfnInfo(t.resource.file.syntax) : undefined;
    const trigger = info ? relabel(info, t.resource.address) : t.resource.address;
    count(out, w, ts, { file, line, trigger }, info ? (x) => relabel(info, x) : undefined);
  }
  return out;
}

/** Counts one trigger (the wiring's triggers on one field): decided (covered or not) or undecided with its reason. */
function count(out: Coverage, w: Wiring, ts: Trigger[], at: { file: string; line: number; trigger: string }, words?: (reason: string) => string): void {
  out.triggers++;
  const vs = ts.map((t) => verdictOf(w, t));
  const und = ts.filter((_, i) => vs[i].k === 'unknown');
  if (!und.length) {
    out.decided++;
    if (vs.every((v) => v.k === 'covered')) out.covered++;
    (out.decidedTriggers ??= []).push({ ...at, verdict: vs.map((v) => v.k).join(',') });
  } else {
    const reason = undecidedReason(w, und[0]);
    out.undecided.push({ ...at, reason: words ? words(reason) : reason });
  }
}
