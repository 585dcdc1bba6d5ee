/**
 * The fix writer of templates: renders what the rules ask for (a value, a property, a whole
 * `AWS::Lambda::Permission`, a `DependsOn`, a suppression) in the template's own style: YAML short
 * forms (`!GetAtt B.Arn`, `!Sub "..."`) when the file uses them, long forms otherwise, JSON in JSON
 * templates, with the file's indentation. Values arrive in the core's reference syntax
 * (`aws_s3_bucket.B.arn`, `"${aws_api_gateway_rest_api.Api.execution_arn}/*\/*"`) and are mapped
 * back to the logical ids they came from. Pure.
 */
import type { Attribute, Block, Span } from '../../model/ast';
import type { SourceFile } from '../../model/module';
import type { SpanEdit } from '../../rules/rule';
import { eolOf } from '../../text';
import { indentAt, jsonInsertIntoObject, lineEndOf, lineStartOf } from '../../fix/edits';
import { blockInfo, cfnInfo, TYPES, type CfnInfo, type CfnResource } from './synth';
import { get, entry, str, type CNode } from './parse';

/** Marks an edit that could not be written for a template: analyze drops the fix that holds it. */
export const NO_EDIT = '\u0000lpg:no-edit';
/** Marks an edit written as an ARN-format suggestion (never a preferred fix): analyze strips it and demotes the fix. */
export const SUGGEST = '\u0000lpg:suggest';
let suggested = false;

/** Property names of the permission attributes the rules insert. */
export const PROP_NAMES: Record<string, string> = {
  source_arn: 'SourceArn', source_account: 'SourceAccount', event_source_token: 'EventSourceToken', principal_org_id: 'PrincipalOrgID',
  function_url_auth_type: 'FunctionUrlAuthType', invoked_via_function_url: 'InvokedViaFunctionUrl', action: 'Action', principal: 'Principal',
  function_name: 'FunctionName', authorization_type: 'AuthType',
};

type Piece = string | { ref: string } | { getatt: [string, string] } | { sub: string };

const PSEUDO_BACK: Record<string, string> = {
  'data.aws_region.current.name': 'AWS::Region', 'data.aws_caller_identity.current.account_id': 'AWS::AccountId', 'data.aws_partition.current.partition': 'AWS::Partition',
};

/** A core reference (`aws_s3_bucket.B.arn`) as the template's intrinsic, or undefined. */
function backRef(info: CfnInfo, ref: string): Piece | undefined {
  if (PSEUDO_BACK[ref]) return { ref: PSEUDO_BACK[ref] };
  const m = /^([a-z0-9_]+)\.([A-Za-z0-9]+)\.([a-z_]+)$/.exec(ref);
  if (!m) return undefined;
  const [, tf, id, at] = m;
  const aliasOf = /^(.+)Alias[A-Za-z0-9]+$/.exec(id);
  if (tf === 'aws_lambda_alias' && !info.resources.has(id) && aliasOf && info.samFunctions.has(aliasOf[1]) && at === 'arn') return { ref: `${aliasOf[1]}.Alias` };
  const r = info.resources.get(id);
  if (!r) return undefined;
  const t = TYPES[r.type];
  if (!t || t.tf !== tf) return undefined;
  if (tf === 'aws_s3_bucket' && at === 'arn' && get(get(r.props, 'NotificationConfiguration'), 'LambdaConfigurations')) {
    // the bucket must depend on the permission (notification-before-permission): a reference back would be a cycle
    const sub = bucketArnSub(info, r);
    return sub ? { sub } : undefined;
  }
  if ((tf === 'aws_lb_target_group') && at === 'arn') {
    // the target group must depend on the permission (ELB validates its Lambda target): a reference back would be a cycle
    suggested = true;
    return { sub: 'arn:${AWS::Partition}:elasticloadbalancing:${AWS::Region}:${AWS::AccountId}:targetgroup/TARGET-GROUP-NAME/TARGET-GROUP-ID' };
  }
  if (at === 'execution_arn' && (tf === 'aws_api_gateway_rest_api' || tf === 'aws_apigatewayv2_api')) return { sub: `arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${${id}}` };
  if (t.ref === at) return { ref: id };
  for (const [cfnAttr, a] of Object.entries(t.getatt ?? {})) if (a === at) return { getatt: [id, cfnAttr] };
  if (tf === 'aws_s3_bucket' && at === 'bucket') return { ref: id };
  return undefined;
}

/** `arn:${AWS::Partition}:s3:::<BucketName>` as `Fn::Sub` text, without a reference to the bucket. */
export function bucketArnSub(info: CfnInfo, bucket: CfnResource): string | undefined {
  const name = get(bucket.props, 'BucketName');
  if (!name) return undefined;
  let tpl: string | undefined;
  if (name.k === 'scalar' && name.value !== null) tpl = String(name.value).replace(/\$\{/g, '${!');
  else if (name.k === 'fn' && name.name === 'Ref') { const p = str(name.arg); if (p && !info.resources.has(p)) tpl = `\${${p}}`; }
  else if (name.k === 'fn' && name.name === 'Fn::Sub' && name.arg.k === 'scalar') tpl = str(name.arg);
  if (tpl === undefined || /\$\{[A-Za-z0-9]+[.}]/.test(tpl.replace(/\$\{(AWS::[A-Za-z]+)\}/g, '')) && [...tpl.matchAll(/\$\{([A-Za-z0-9]+)/g)].some((m) => info.resources.has(m[1]))) return undefined;
  return `arn:\${AWS::Partition}:s3:::${tpl}`;
}

/** Splits core text (`"...${ref}..."` JSON string or a bare reference) into pieces. */
function pieces(info: CfnInfo, coreText: string): Piece[] | undefined {
  let s: string;
  const t = coreText.trim();
  if (t.startsWith('"')) { try { s = JSON.parse(t); } catch { return undefined; } }
  else if (/^(data\.)?[a-z0-9_]+\.[A-Za-z0-9_]+(\.[a-z_]+)+$/.test(t)) s = '${' + t + '}';
  else if (/^(true|false|-?\d+(\.\d+)?)$/.test(t)) return [t];
  else return undefined;
  const out: Piece[] = [];
  const re = /\$\{([^}]*)\}/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    if (m.index > last) out.push(s.slice(last, m.index));
    const p = backRef(info, m[1].trim());
    if (!p) return undefined;
    let end = m.index + m[0].length;
    // `${log_group.arn}:*`: `!GetAtt LogGroup.Arn` already ends in `:*`
    if (typeof p !== 'string' && 'getatt' in p && /^aws_cloudwatch_log_group\./.test(m[1]) && s.slice(end, end + 2) === ':*') end += 2;
    out.push(p);
    last = end;
    re.lastIndex = end;
  }
  if (last < s.length) out.push(s.slice(last));
  return out;
}

export interface Style { json: boolean; short: boolean }
export function styleOf(info: CfnInfo): Style { return { json: info.format === 'json', short: info.format === 'yaml' && info.shortForms }; }

/** Renders pieces as a template value. */
function render(ps: Piece[], st: Style): string {
  if (ps.length === 1 && typeof ps[0] !== 'string' && !('sub' in ps[0])) {
    const p = ps[0];
    if ('ref' in p) return st.short ? `!Ref ${p.ref}` : `{"Ref": ${JSON.stringify(p.ref)}}`;
    return st.short ? `!GetAtt ${p.getatt[0]}.${p.getatt[1]}` : `{"Fn::GetAtt": [${JSON.stringify(p.getatt[0])}, ${JSON.stringify(p.getatt[1])}]}`;
  }
  if (ps.every((p) => typeof p === 'string')) {
    const s = (ps as string[]).join('');
    if (!st.json && /^(true|false|-?\d+(\.\d+)?)$/.test(s)) return s;
    return JSON.stringify(s);
  }
  const sub = ps.map((p) => (typeof p === 'string' ? p.replace(/\$\{/g, '${!') : 'ref' in p ? `\${${p.ref}}` : 'getatt' in p ? `\${${p.getatt[0]}.${p.getatt[1]}}` : p.sub)).join('');
  return st.short ? `!Sub ${JSON.stringify(sub)}` : `{"Fn::Sub": ${JSON.stringify(sub)}}`;
}

/** A value written in the core's syntax, rendered for the template; undefined when it cannot be. */
export function cfnValueText(info: CfnInfo, coreText: string): string | undefined {
  suggested = false;
  const ps = pieces(info, coreText);
  const out = ps ? render(ps, styleOf(info)) : undefined;
  return out !== undefined && suggested ? out + SUGGEST : out;
}

/** Human text of a core value in the template's terms (for fix titles). */
export function cfnValueTitle(info: CfnInfo, coreText: string): string | undefined {
  suggested = false;
  const ps = pieces(info, coreText);
  if (suggested) return 'the target group ARN format';
  return ps ? render(ps, { json: false, short: true }) : undefined;
}

function infoOfFile(file: SourceFile): CfnInfo | undefined { return cfnInfo(file.syntax); }

/** `replaceSpan` for templates: the new text is rendered in the template's syntax. */
export function cfnReplace(file: SourceFile, span: Span, newText: string): SpanEdit {
  const info = infoOfFile(file);
  const t = info ? cfnValueText(info, newText) : undefined;
  if (t === undefined) {
    // plain JSON-ish text (`{"Service": "..."}`) is valid YAML flow syntax and valid JSON
    if (newText === '' || /^\{"Service": "[^"]*"\}$/.test(newText)) return { file: file.path, start: span.start, end: span.end, newText };
    return { file: file.path, start: span.start, end: span.end, newText: NO_EDIT };
  }
  // a plain YAML scalar stays plain when the new text is safe unquoted
  const was = file.text.slice(span.start, span.end);
  if (info!.format === 'yaml' && !/^["']/.test(was) && /^"[A-Za-z0-9][\w:.\/*-]*"$/.test(t) && !t.endsWith(':"')) return { file: file.path, start: span.start, end: span.end, newText: t.slice(1, -1) };
  return { file: file.path, start: span.start, end: span.end, newText: t };
}

/** `insertAttribute` for templates: a property of the resource's `Properties`, after `after`. */
export function cfnInsertProperty(file: SourceFile, block: Block, name: string, value: { hcl: string; json: string }, after?: Attribute): SpanEdit[] {
  const info = blockInfo(block);
  const r = info?.origin.get(block);
  if (name === 'qualifier' && info && r && !info.generated.has(block) && info.path === file.path) {
    // the qualifier of a template permission is part of FunctionName: name the alias (its ARN) there
    const m = /^"?\$\{(aws_lambda_alias\.[A-Za-z0-9]+)\.name\}"?$/.exec(value.json.trim()) ?? /^(aws_lambda_alias\.[A-Za-z0-9]+)\.name$/.exec(value.hcl.trim());
    const fnE = entry(r.props, 'FunctionName');
    const v = m ? cfnValueText(info, `${m[1]}.arn`) : undefined;
    if (fnE && v) return [{ file: info.path, start: fnE.value.span.start, end: fnE.value.span.end, newText: v }];
  }
  const prop = PROP_NAMES[name];
  if (!info || !r || info.generated.has(block) || !prop || info.path !== file.path) return [{ file: file.path, start: 0, end: 0, newText: NO_EDIT }];
  const v = cfnValueText(info, value.json) ?? cfnValueText(info, value.hcl);
  if (v === undefined) return [{ file: file.path, start: 0, end: 0, newText: NO_EDIT }];
  const e = insertIntoMap(info, r.props, prop, v, after?.nameSpan);
  return e ? [e] : [{ file: file.path, start: 0, end: 0, newText: NO_EDIT }];
}

/** Inserts `Key: value` into a map (block YAML, flow YAML or JSON), after the entry whose key is at `afterKey`. */
export function insertIntoMap(info: CfnInfo, map: CNode | undefined, key: string, value: string, afterKey?: Span): SpanEdit | undefined {
  if (!map || map.k !== 'map' || !map.entries.length) return undefined;
  const text = info.text;
  const eol = eolOf(text);
  if (info.format === 'json') return jsonInsertIntoObject({ path: info.path, text } as SourceFile, map.span.start, map.span.end - 1, `${JSON.stringify(key)}: ${value}`);
  const anchor = (afterKey && map.entries.find((e) => e.keySpan.start === afterKey.start)) ?? map.entries[map.entries.length - 1];
  if (map.flow) return { file: info.path, start: anchor.span.end, end: anchor.span.end, newText: `, ${key}: ${value}` };
  const indent = indentAt(text, anchor.keySpan.start).replace(/-/g, ' ');
  const col = anchor.keySpan.start - lineStartOf(text, anchor.keySpan.start);
  const at = lineEndOf(text, anchor.span.end);
  return { file: info.path, start: at, end: at, newText: `${eol}${' '.repeat(col) || indent}${key}: ${value}` };
}

/** The indentation step of a YAML template (the logical ids' indent under `Resources`). */
function unitOf(info: CfnInfo, r: CfnResource): string {
  const text = info.text;
  const col = r.entry.keySpan.start - lineStartOf(text, r.entry.keySpan.start);
  const typeE = entry(r.entry.value, 'Type');
  if (typeE && info.format === 'yaml') {
    const c2 = typeE.keySpan.start - lineStartOf(text, typeE.keySpan.start);
    if (c2 > col) return ' '.repeat(c2 - col);
  }
  if (info.format === 'json') {
    const c2 = typeE ? typeE.keySpan.start - lineStartOf(text, typeE.keySpan.start) : col + 2;
    return ' '.repeat(Math.max(1, c2 - col));
  }
  return ' '.repeat(Math.max(2, col || 2));
}

/** Inserts a whole resource after `after` (a top-level resource entry). `props` are rendered values. */
export function insertResource(info: CfnInfo, after: CfnResource, logicalId: string, type: string, props: [string, string][]): SpanEdit {
  const text = info.text;
  const eol = eolOf(text);
  const unit = unitOf(info, after);
  const col = after.entry.keySpan.start - lineStartOf(text, after.entry.keySpan.start);
  const ind = ' '.repeat(col);
  if (info.format === 'json') {
    const lines = [`${ind}${JSON.stringify(logicalId)}: {`, `${ind}${unit}"Type": ${JSON.stringify(type)},`, `${ind}${unit}"Properties": {`];
    props.forEach(([k, v], i) => lines.push(`${ind}${unit}${unit}${JSON.stringify(k)}: ${v}${i < props.length - 1 ? ',' : ''}`));
    lines.push(`${ind}${unit}}`, `${ind}}`);
    return { file: info.path, start: after.entry.span.end, end: after.entry.span.end, newText: ',' + eol + lines.join(eol) };
  }
  const lines = [`${ind}${logicalId}:`, `${ind}${unit}Type: ${type}`, `${ind}${unit}Properties:`];
  for (const [k, v] of props) lines.push(`${ind}${unit}${unit}${k}: ${v}`);
  const at = lineEndOf(text, after.entry.span.end);
  return { file: info.path, start: at, end: at, newText: eol + lines.join(eol) };
}

/** A fresh logical id (`base`, `base2`, ...). */
export function freshId(info: CfnInfo, base: string, reserved: Set<string>): string {
  const clean = base.replace(/[^A-Za-z0-9]/g, '');
  let id = clean;
  for (let i = 2; info.resources.has(id) || reserved.has(id); i++) id = clean + i;
  reserved.add(id);
  return id;
}

/** Adds `dep` to a resource's `DependsOn`. */
export function addDependsOn(info: CfnInfo, r: CfnResource, dep: string): SpanEdit | undefined {
  const text = info.text;
  const eol = eolOf(text);
  const d = entry(r.entry.value, 'DependsOn');
  const q = (s: string): string => (info.format === 'json' ? JSON.stringify(s) : s);
  if (d) {
    const v = d.value;
    if (v.k === 'scalar') return { file: info.path, start: v.span.start, end: v.span.end, newText: `[${q(String(v.value))}, ${q(dep)}]` };
    if (v.k !== 'seq' || !v.items.length) return undefined;
    const last = v.items[v.items.length - 1];
    if (v.flow) return { file: info.path, start: last.span.end, end: last.span.end, newText: `, ${q(dep)}` };
    const col = last.span.start - lineStartOf(text, last.span.start);
    const dash = text.lastIndexOf('-', last.span.start);
    const dcol = dash - lineStartOf(text, dash);
    const at = lineEndOf(text, last.span.end);
    return { file: info.path, start: at, end: at, newText: `${eol}${' '.repeat(dcol)}-${' '.repeat(Math.max(1, col - dcol - 1))}${dep}` };
  }
  const body = r.entry.value;
  if (body.k !== 'map') return undefined;
  const typeE = entry(body, 'Type');
  if (info.format === 'json') {
    if (!typeE) return undefined;
    const col = typeE.keySpan.start - lineStartOf(text, typeE.keySpan.start);
    return { file: info.path, start: typeE.span.end, end: typeE.span.end, newText: `,${eol}${' '.repeat(col)}"DependsOn": ${JSON.stringify(dep)}` };
  }
  if (body.flow || !typeE) return undefined;
  const col = typeE.keySpan.start - lineStartOf(text, typeE.keySpan.start);
  const at = lineEndOf(text, typeE.span.end);
  return { file: info.path, start: at, end: at, newText: `${eol}${' '.repeat(col)}DependsOn: ${dep}` };
}

/** "Ignore <rule> for this resource": a `# lpg-ignore` line above the logical id (YAML), or `Metadata.lpg.ignore` (JSON). */
export function cfnSuppression(file: SourceFile, ruleId: string, span: Span): SpanEdit | undefined {
  const info = infoOfFile(file);
  if (!info) return undefined;
  let r: CfnResource | undefined;
  for (const x of info.resources.values()) if (x.entry.span.start <= span.start && span.end <= x.entry.span.end) r = x;
  if (!r) return undefined;
  const text = info.text;
  const eol = eolOf(text);
  if (info.format === 'yaml') {
    const ls = lineStartOf(text, r.entry.keySpan.start);
    return { file: info.path, start: ls, end: ls, newText: `${indentAt(text, r.entry.keySpan.start)}# lpg-ignore: ${ruleId} -- reason${eol}` };
  }
  const md = get(r.entry.value, 'Metadata');
  if (md) {
    const lpg = get(md, 'lpg');
    const ig = get(lpg, 'ignore');
    if (ig?.k === 'seq' && ig.items.length) return { file: info.path, start: ig.items[ig.items.length - 1].span.end, end: ig.items[ig.items.length - 1].span.end, newText: `, ${JSON.stringify(ruleId)}` };
    if (lpg || md.k !== 'map') return undefined;
    return insertIntoMap(info, md, 'lpg', `{"ignore": [${JSON.stringify(ruleId)}]}`) ?? undefined;
  }
  return insertIntoMap(info, r.entry.value, 'Metadata', `{"lpg": {"ignore": [${JSON.stringify(ruleId)}]}}`) ?? undefined;
}

export { str };

/**
 * Adds `{Effect: Allow, Action: lambda:InvokeFunction, Resource: <arn>}` after the last statement of
 * a template policy document (block YAML list item, flow list or JSON array), in the file's style.
 */
export function cfnAddStatement(file: SourceFile, lastStatement: Span, arnCore: string): SpanEdit | undefined {
  const info = infoOfFile(file);
  if (!info) return undefined;
  const v = cfnValueText(info, JSON.stringify(arnCore));
  if (v === undefined || v.includes(SUGGEST)) return undefined;
  const text = info.text;
  const eol = eolOf(text);
  const ls = lineStartOf(text, lastStatement.start);
  const before = text.slice(ls, lastStatement.start);
  if (info.format === 'yaml' && /^\s*-\s+$/.test(before)) {
    // block sequence item: `- Effect: Allow` with the keys under the first one
    const dash = before.indexOf('-');
    const keyCol = before.length;
    const pad = ' '.repeat(keyCol);
    const at = lineEndOf(text, lastStatement.end);
    return { file: info.path, start: at, end: at, newText: `${eol}${' '.repeat(dash)}-${' '.repeat(keyCol - dash - 1)}Effect: Allow${eol}${pad}Action: lambda:InvokeFunction${eol}${pad}Resource: ${v}` };
  }
  const after = /^\s*(,?)\s*\]/.exec(text.slice(lastStatement.end));
  if (!after) return undefined;
  const item = info.format === 'json' ? `{"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": ${v}}` : `{Effect: Allow, Action: lambda:InvokeFunction, Resource: ${v}}`;
  const multi = text.slice(lastStatement.end, lastStatement.end + after[0].length).includes('\n');
  const indent = indentAt(text, lastStatement.start);
  return { file: info.path, start: lastStatement.end, end: lastStatement.end, newText: multi ? `,${eol}${indent}${item}` : `, ${item}` };
}
