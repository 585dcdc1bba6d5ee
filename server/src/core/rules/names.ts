/**
 * Names in finding messages. Messages lead with the problem and name the thing it is about: a
 * function by its literal `function_name` when the folder shows it (else its address), a policy
 * statement by what holds it (`PolicyDoc.holder`), a service's resources in words.
 */
import { attr } from '../model/ast';
import type { Facts, Permission } from '../model/facts';
import type { PolicyDoc } from '../model/policy';
import { knownString } from '../model/value';
import { wiringOf, type FnRef } from '../model/wiring';

/** The literal `function_name` of a function resource of the folder (one instance only), else undefined. */
function literalName(facts: Facts, fn: FnRef): string | undefined {
  if (fn.k !== 'fn' || fn.fn.multi || fn.key !== undefined) return undefined;
  const a = attr(fn.fn.block, 'function_name');
  const s = a ? knownString(facts.module.evaluate(a.value)) : undefined;
  return s && /^[A-Za-z0-9_.:-]+$/.test(s) ? s : undefined;
}

/** The reference text of a function (`aws_lambda_function.x`, with its module instance when in one). */
export function fnBase(fn: FnRef): string | undefined {
  if (fn.k !== 'fn') return undefined;
  const at = fn.fn.address.indexOf('@'); // a function of a module instance (model/config.ts)
  return at < 0 ? fn.ref : fn.ref + fn.fn.address.slice(at);
}

/** The qualifier part of a function's label: ` (alias aws_lambda_alias.live)`, ` (qualifier "live")`, ` (published version)`. */
export function qualSuffix(fn: FnRef): string {
  if (fn.k !== 'fn') return '';
  if (fn.qual.k === 'alias') return ` (alias ${fn.qual.alias.address})`;
  if (fn.qual.k === 'lit') return ` (qualifier "${fn.qual.name}")`;
  if (fn.qual.k === 'version') return ' (published version)';
  return '';
}

/**
 * How a message names a function: `name` for the first clause (the literal function name, else the
 * address), and `addr`, the address when `name` is a literal name (else undefined), for the details.
 */
export function fnNames(facts: Facts, fn: FnRef, withQualifier = true): { name: string; addr?: string } {
  const base = fnBase(fn);
  if (!base) return { name: 'the function' };
  const lit = literalName(facts, fn);
  const q = withQualifier ? qualSuffix(fn) : '';
  return lit ? { name: lit + q, addr: base } : { name: base + q };
}

/** The function a permission is on: its folder function's name, else the name in a literal `function_name` (or ARN). */
export function permFnNames(facts: Facts, p: Permission): { name: string; addr?: string } {
  const pf = wiringOf(facts).permFn(p);
  if (pf.k === 'fn') return fnNames(facts, pf);
  const t = p.functionName ? knownString(p.functionName.value) : undefined;
  if (t) {
    const m = /^arn:[^:]*:lambda:[^:]*:[^:]*:function:([^:]+)(?::([^:]+))?$/.exec(t);
    if (m && !/[*?]/.test(m[1])) return { name: m[2] ? `${m[1]}:${m[2]}` : m[1] };
    if (/^[A-Za-z0-9_.:-]+$/.test(t)) return { name: t };
  }
  return { name: 'the function' };
}

/** The resources of a service, in words: `API Gateway API`, `S3 bucket`. */
const RESOURCE_WORDS: Record<string, string> = {
  apigateway: 'API Gateway API', s3: 'S3 bucket', sns: 'SNS topic', events: 'EventBridge rule', logs: 'CloudWatch Logs log group',
  elasticloadbalancing: 'load balancer target group', 'cognito-idp': 'Cognito user pool', iot: 'IoT topic rule',
  config: 'AWS Config rule', cloudfront: 'CloudFront distribution', scheduler: 'EventBridge Scheduler schedule',
  'lambda.alarms.cloudwatch': 'CloudWatch alarm',
};

export function resourceWords(service: string): string {
  return RESOURCE_WORDS[service] ?? `${service} resource`;
}

/** What holds a policy statement, for messages. */
export function holderOf(doc: PolicyDoc): string {
  return doc.holder ?? 'the policy';
}
