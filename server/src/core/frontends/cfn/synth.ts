/**
 * Maps a CloudFormation / SAM template onto the syntax model the rules already read (as
 * `model/tfjson.ts` does for `.tf.json`): every resource becomes one or more synthetic blocks
 * (`resource "aws_lambda_permission" "OrdersPermission"`) whose attributes are expressions with
 * spans into the template. `Ref`/`Fn::GetAtt`/`Fn::Sub` become traversals to the synthetic
 * resources (`aws_lambda_function.Orders.arn`), pseudo parameters become the typed region /
 * account / partition tokens, `Parameters` defaults and `Mappings` are read, so ARN matching and
 * the wiring index work unchanged. SAM `Events` add the triggers and the permissions SAM generates.
 * Pure: the files a template includes come in through `include`.
 */
import type { Attribute, Block, Expr, FileSyntax, ObjItem, Span, TmplPart } from '../../model/ast';
import { parseTemplate, get, entry, str, type CNode, type CEntry, type CfnDoc } from './parse';

export interface CfnResource {
  id: string;
  type: string;
  entry: CEntry;
  props: CNode | undefined;
  dependsOn: string[];
  /** Logical ids this resource refers to (`Ref`, `Fn::GetAtt`, `Fn::Sub`): CloudFormation orders them first. */
  refs: Set<string>;
  condition?: string;
}

export interface CfnInfo {
  path: string;
  text: string;
  format: 'yaml' | 'json';
  doc: CfnDoc;
  resources: Map<string, CfnResource>;
  /** Display names of synthetic addresses: `aws_lambda_permission.P` -> `AWS::Lambda::Permission P`. */
  labels: Map<string, string>;
  /** Synthetic blocks that stand for what SAM generates: never edited by fixes. */
  generated: WeakSet<Block>;
  /** Blocks by the template resource they come from. */
  origin: WeakMap<Block, CfnResource>;
  /** Suppressions written in resources' `Metadata` (lpg, cfn-lint, cfn_nag). */
  metadataIgnores: { span: Span; ids: Set<string> }[];
  /** Local files named by `DefinitionUri` / `AWS::Include` (template-relative), with the API they feed. */
  includes: { path: string; api: string; v2: boolean; at: Span }[];
  /** Does the file use short-form tags (`!Ref`)? */
  shortForms: boolean;
  /** `AWS::Serverless::Function` logical ids. */
  samFunctions: Set<string>;
}

const INFO = new WeakMap<FileSyntax, CfnInfo>();
export function cfnInfo(s: FileSyntax | undefined): CfnInfo | undefined { return s ? INFO.get(s) : undefined; }
const BLOCK_INFO = new WeakMap<Block, CfnInfo>();
/** The template a synthetic block comes from. */
export function blockInfo(b: Block): CfnInfo | undefined { return BLOCK_INFO.get(b); }

/** CloudFormation type -> synthetic type, the attribute `Ref` returns, and `Fn::GetAtt` names. */
interface TypeMap { tf: string; ref: string; getatt?: Record<string, string> }
export const TYPES: Record<string, TypeMap> = {
  'AWS::Lambda::Function': { tf: 'aws_lambda_function', ref: 'function_name', getatt: { Arn: 'arn' } },
  'AWS::Serverless::Function': { tf: 'aws_lambda_function', ref: 'function_name', getatt: { Arn: 'arn' } },
  'AWS::Lambda::Alias': { tf: 'aws_lambda_alias', ref: 'arn', getatt: { AliasArn: 'arn' } },
  'AWS::Lambda::Permission': { tf: 'aws_lambda_permission', ref: 'id' },
  'AWS::Lambda::Url': { tf: 'aws_lambda_function_url', ref: 'id', getatt: { FunctionUrl: 'function_url', FunctionArn: 'function_arn' } },
  'AWS::ApiGateway::RestApi': { tf: 'aws_api_gateway_rest_api', ref: 'id', getatt: { RootResourceId: 'root_resource_id', RestApiId: 'id' } },
  'AWS::Serverless::Api': { tf: 'aws_api_gateway_rest_api', ref: 'id', getatt: { RootResourceId: 'root_resource_id' } },
  'AWS::ApiGateway::Resource': { tf: 'aws_api_gateway_resource', ref: 'id', getatt: { ResourceId: 'id' } },
  'AWS::ApiGateway::Method': { tf: 'aws_api_gateway_method', ref: 'id' },
  'AWS::ApiGateway::Authorizer': { tf: 'aws_api_gateway_authorizer', ref: 'id', getatt: { AuthorizerId: 'id' } },
  'AWS::ApiGateway::Stage': { tf: 'aws_api_gateway_stage', ref: 'stage_name' },
  'AWS::ApiGatewayV2::Api': { tf: 'aws_apigatewayv2_api', ref: 'id', getatt: { ApiId: 'id', ApiEndpoint: 'api_endpoint' } },
  'AWS::Serverless::HttpApi': { tf: 'aws_apigatewayv2_api', ref: 'id', getatt: { ApiId: 'id' } },
  'AWS::ApiGatewayV2::Integration': { tf: 'aws_apigatewayv2_integration', ref: 'id', getatt: { IntegrationId: 'id' } },
  'AWS::ApiGatewayV2::Route': { tf: 'aws_apigatewayv2_route', ref: 'id', getatt: { RouteId: 'id' } },
  'AWS::ApiGatewayV2::Authorizer': { tf: 'aws_apigatewayv2_authorizer', ref: 'id', getatt: { AuthorizerId: 'id' } },
  'AWS::S3::Bucket': { tf: 'aws_s3_bucket', ref: 'id', getatt: { Arn: 'arn' } },
  'AWS::SNS::Topic': { tf: 'aws_sns_topic', ref: 'arn', getatt: { TopicArn: 'arn', TopicName: 'name' } },
  'AWS::SNS::Subscription': { tf: 'aws_sns_topic_subscription', ref: 'arn' },
  'AWS::Events::Rule': { tf: 'aws_cloudwatch_event_rule', ref: 'name', getatt: { Arn: 'arn' } },
  'AWS::Logs::LogGroup': { tf: 'aws_cloudwatch_log_group', ref: 'name', getatt: { Arn: 'arn' } },
  'AWS::Logs::SubscriptionFilter': { tf: 'aws_cloudwatch_log_subscription_filter', ref: 'id' },
  'AWS::ElasticLoadBalancingV2::TargetGroup': { tf: 'aws_lb_target_group', ref: 'arn', getatt: { TargetGroupArn: 'arn' } },
  'AWS::Cognito::UserPool': { tf: 'aws_cognito_user_pool', ref: 'id', getatt: { Arn: 'arn' } },
  'AWS::IoT::TopicRule': { tf: 'aws_iot_topic_rule', ref: 'name', getatt: { Arn: 'arn' } },
  'AWS::IAM::Role': { tf: 'aws_iam_role', ref: 'name', getatt: { Arn: 'arn', RoleId: 'unique_id' } },
  'AWS::IAM::Policy': { tf: 'aws_iam_policy', ref: 'id' },
  'AWS::IAM::ManagedPolicy': { tf: 'aws_iam_policy', ref: 'arn', getatt: { PolicyArn: 'arn' } },
};

const PSEUDO: Record<string, [string, string]> = {
  'AWS::Region': ['aws_region', 'name'],
  'AWS::AccountId': ['aws_caller_identity', 'account_id'],
  'AWS::Partition': ['aws_partition', 'partition'],
};

export const COGNITO: Record<string, string> = {
  CreateAuthChallenge: 'create_auth_challenge', CustomMessage: 'custom_message', DefineAuthChallenge: 'define_auth_challenge',
  PostAuthentication: 'post_authentication', PostConfirmation: 'post_confirmation', PreAuthentication: 'pre_authentication',
  PreSignUp: 'pre_sign_up', PreTokenGeneration: 'pre_token_generation', UserMigration: 'user_migration',
  VerifyAuthChallengeResponse: 'verify_auth_challenge_response',
};

/** Cheap text test before parsing: may this YAML/JSON text be a template? */
export function mayBeTemplate(text: string): boolean {
  return /AWSTemplateFormatVersion|AWS::Serverless-2016-10-31|["']?Type["']?\s*:\s*["']?AWS::/.test(text) && /Resources|AWSTemplateFormatVersion/.test(text);
}

/** Is the parsed document a template (top level: `AWSTemplateFormatVersion`, the SAM transform, or typed `Resources`)? */
export function isTemplateRoot(root: CNode | undefined): boolean {
  if (!root || root.k !== 'map') return false;
  if (entry(root, 'AWSTemplateFormatVersion')) return true;
  const tr = get(root, 'Transform');
  if (tr && JSON.stringify(flat(tr)).includes('AWS::Serverless')) return true;
  const res = get(root, 'Resources');
  return !!res && res.k === 'map' && res.entries.some((e) => /^AWS::/.test(str(get(e.value, 'Type')) ?? ''));
}
function flat(n: CNode): unknown {
  if (n.k === 'scalar') return n.value;
  if (n.k === 'seq') return n.items.map(flat);
  if (n.k === 'map') return n.entries.map((e) => [e.key, flat(e.value)]);
  return null;
}

export function formatOf(path: string, text: string): 'yaml' | 'json' {
  return /\.json$/i.test(path) || /^\s*[{[]/.test(text) ? 'json' : 'yaml';
}

/** Reads a template text; undefined when the text is not a template (other YAML/JSON is ignored). */
export function readTemplate(path: string, text: string, include?: (rel: string) => { path: string; text: string } | undefined): { syntax: FileSyntax; info: CfnInfo; extra: { path: string; blocks: Block[] }[] } | undefined {
  const format = formatOf(path, text);
  const doc = parseTemplate(text, format);
  if (!isTemplateRoot(doc.root)) {
    if (doc.errors.length && mayBeTemplate(text)) {
      // a template with a syntax error: reported, nothing else read
      const syntax: FileSyntax = { blocks: [], attrs: [], comments: doc.comments, errors: doc.errors };
      const info = emptyInfo(path, text, format, doc);
      INFO.set(syntax, info);
      return { syntax, info, extra: [] };
    }
    return undefined;
  }
  const s = new Synth(path, text, doc, include);
  s.run();
  const syntax: FileSyntax = { blocks: s.blocks, attrs: [], comments: doc.comments, errors: doc.errors };
  INFO.set(syntax, s.info);
  return { syntax, info: s.info, extra: s.extra };
}

function emptyInfo(path: string, text: string, format: 'yaml' | 'json', doc: CfnDoc): CfnInfo {
  return { path, text, format, doc, resources: new Map(), labels: new Map(), generated: new WeakSet(), origin: new WeakMap(), metadataIgnores: [], includes: [], shortForms: false, samFunctions: new Set() };
}

type AttrSpec = { name: string; value: Expr; nameSpan: Span; span: Span };

class Synth {
  readonly blocks: Block[] = [];
  readonly info: CfnInfo;
  readonly extra: { path: string; blocks: Block[] }[] = [];
  private readonly params = new Map<string, CNode | undefined>();
  private readonly mappings: CNode | undefined;
  private readonly globalsFn: CNode | undefined;
  private readonly globalsApi: CNode | undefined;
  private readonly globalsHttpApi: CNode | undefined;
  private cur: CfnResource | undefined;

  constructor(readonly path: string, readonly text: string, readonly doc: CfnDoc, readonly include?: (rel: string) => { path: string; text: string } | undefined) {
    this.info = emptyInfo(path, text, doc.format, doc);
    this.info.shortForms = doc.format === 'yaml' && /[:-]\s+!(Ref|GetAtt|Sub|Join|If|Select|FindInMap)\b/.test(text);
    const root = doc.root!;
    const ps = get(root, 'Parameters');
    if (ps?.k === 'map') for (const e of ps.entries) this.params.set(e.key, get(e.value, 'Default'));
    this.mappings = get(root, 'Mappings');
    const g = get(root, 'Globals');
    this.globalsFn = get(g, 'Function');
    this.globalsApi = get(g, 'Api');
    this.globalsHttpApi = get(g, 'HttpApi');
    const res = get(root, 'Resources');
    if (res?.k === 'map') for (const e of res.entries) {
      const type = str(get(e.value, 'Type'));
      if (!type) continue;
      const dep = get(e.value, 'DependsOn');
      const dependsOn = dep?.k === 'seq' ? dep.items.map(str).filter((x): x is string => !!x) : dep && str(dep) ? [str(dep)!] : [];
      const r: CfnResource = { id: e.key, type, entry: e, props: get(e.value, 'Properties'), dependsOn, refs: new Set(), condition: str(get(e.value, 'Condition')) };
      this.info.resources.set(e.key, r);
      if (type === 'AWS::Serverless::Function') this.info.samFunctions.add(e.key);
    }
  }

  run(): void {
    for (const r of this.info.resources.values()) {
      this.cur = r;
      collectRefs(r.entry.value, r.refs);
      this.metadata(r);
      try { this.resource(r); } catch { /* a resource of an unexpected shape is skipped, never a crash */ }
    }
    this.cur = undefined;
    // account id for `SourceAccount` fixes: the template always has it
    this.blocks.push({ type: 'data', labels: [{ value: 'aws_caller_identity', span: { start: 0, end: 0 } }, { value: 'current', span: { start: 0, end: 0 } }], attrs: [], blocks: [], span: { start: 0, end: 0 }, bodyStart: 0, bodyEnd: 0, hasError: false });
  }

  private metadata(r: CfnResource): void {
    const md = get(r.entry.value, 'Metadata');
    if (!md) return;
    const ids = new Set<string>();
    const lpg = get(get(md, 'lpg'), 'ignore');
    for (const x of lpg?.k === 'seq' ? lpg.items : lpg ? [lpg] : []) { const s = str(x); if (s) ids.add(s); }
    const lint = get(get(get(md, 'cfn-lint'), 'config'), 'ignore_checks');
    for (const x of lint?.k === 'seq' ? lint.items : []) { const s = str(x); if (s === 'W3663') ids.add('missing-source-account'); }
    const nag = get(get(md, 'cfn_nag'), 'rules_to_suppress');
    for (const x of nag?.k === 'seq' ? nag.items : []) {
      const id = str(get(x, 'id'));
      if (id === 'F13') ids.add('public-invoke-principal');
      if (id === 'W24') ids.add('broad-permission-action');
    }
    if (ids.size) this.info.metadataIgnores.push({ span: r.entry.span, ids });
  }

  // ---------- expressions ----------

  private lit(value: string | number | boolean | null, span: Span): Expr { return { t: 'lit', value, span }; }
  private other(span: Span, why: string): Expr { return { t: 'other', span, text: why }; }
  private trav(root: string, steps: string[], span: Span): Expr {
    return { t: 'trav', root, steps: steps.map((name) => ({ k: 'attr' as const, name, span })), span };
  }
  private resTrav(id: string, attrName: string, span: Span): Expr {
    const r = this.info.resources.get(id)!;
    return this.trav(TYPES[r.type].tf, [id, attrName], span);
  }

  /** `Ref X` as an expression. */
  refExpr(id: string, span: Span): Expr {
    const ps = PSEUDO[id];
    if (ps) return this.trav('data', [ps[0], 'current', ps[1]], span);
    if (id.startsWith('AWS::')) return this.other(span, id);
    if (this.params.has(id)) {
      const d = this.params.get(id);
      if (d && d.k === 'scalar' && d.value !== null) return this.lit(String(d.value), span);
      return this.other(span, 'parameter ' + id);
    }
    const dot = id.indexOf('.');
    if (dot > 0 && this.info.samFunctions.has(id.slice(0, dot)) && id.slice(dot + 1) === 'Alias') {
      const alias = this.aliasIdOf(id.slice(0, dot));
      if (alias) return this.trav('aws_lambda_alias', [alias, 'arn'], span);
    }
    const r = this.info.resources.get(id);
    if (!r) return this.other(span, 'Ref ' + id);
    if (r.type === 'AWS::Lambda::Version') {
      const fn = this.versionFn(r);
      return fn ? this.trav('aws_lambda_function', [fn, 'qualified_arn'], span) : this.other(span, 'version ' + id);
    }
    const m = TYPES[r.type];
    if (!m) return this.trav('cfn_resource', [id, 'ref'], span);
    if (r.type === 'AWS::Serverless::Function') {
      // with AutoPublishAlias, Ref still names the function
      return this.trav(m.tf, [id, m.ref], span);
    }
    return this.trav(m.tf, [id, m.ref], span);
  }

  getAttExpr(id: string, attrName: string, span: Span): Expr {
    const r = this.info.resources.get(id);
    if (!r) return this.other(span, `GetAtt ${id}.${attrName}`);
    if (r.type === 'AWS::Lambda::Version' && attrName === 'Version') {
      const fn = this.versionFn(r);
      return fn ? this.trav('aws_lambda_function', [fn, 'version'], span) : this.other(span, 'version');
    }
    const m = TYPES[r.type];
    const a = m?.getatt?.[attrName];
    if (!m || !a) return this.trav(m ? m.tf : 'cfn_resource', [id, 'cfn_' + attrName.replace(/[^A-Za-z0-9]/g, '_').toLowerCase()], span);
    if (r.type === 'AWS::Logs::LogGroup' && a === 'arn') {
      // `!GetAtt LogGroup.Arn` already ends in `:*`
      return { t: 'tmpl', parts: [{ k: 'expr', expr: this.trav(m.tf, [id, 'arn'], span), span }, { k: 'text', text: ':*', span }], span };
    }
    return this.trav(m.tf, [id, a], span);
  }

  private versionFn(r: CfnResource): string | undefined {
    const fnNode = get(r.props, 'FunctionName');
    const t = fnNode ? this.targetId(fnNode) : undefined;
    return t && TYPES[this.info.resources.get(t)?.type ?? '']?.tf === 'aws_lambda_function' ? t : undefined;
  }

  /** The logical id a `Ref`/`GetAtt` node names. */
  targetId(n: CNode): string | undefined {
    if (n.k !== 'fn') return undefined;
    if (n.name === 'Ref') return str(n.arg);
    if (n.name === 'Fn::GetAtt') {
      if (n.arg.k === 'seq') return str(n.arg.items[0]);
      const s = str(n.arg);
      return s ? s.split('.')[0] : undefined;
    }
    return undefined;
  }

  expr(n: CNode | undefined, depth = 0): Expr {
    if (!n) return this.other({ start: 0, end: 0 }, 'absent');
    if (depth > 100) return this.other(n.span, 'too deep');
    switch (n.k) {
      case 'scalar': return this.lit(n.value === null ? null : typeof n.value === 'string' ? n.value : n.value, n.span);
      case 'seq': return { t: 'tuple', items: n.items.map((x) => this.expr(x, depth + 1)), span: n.span };
      case 'map': {
        const items: ObjItem[] = n.entries.map((e) => ({ keyName: e.key, key: this.lit(e.key, e.keySpan), value: this.expr(e.value, depth + 1), span: e.span }));
        return { t: 'obj', items, span: n.span };
      }
      case 'fn': return this.fn(n, depth);
    }
  }

  private fn(n: Extract<CNode, { k: 'fn' }>, depth: number): Expr {
    const a = n.arg;
    switch (n.name) {
      case 'Ref': { const id = str(a); return id ? this.refExpr(id, n.span) : this.other(n.span, 'Ref'); }
      case 'Fn::GetAtt': {
        let id: string | undefined, at: string | undefined;
        if (a.k === 'seq') { id = str(a.items[0]); at = str(a.items[1]); }
        else { const s = str(a); if (s) { const i = s.indexOf('.'); if (i > 0) { id = s.slice(0, i); at = s.slice(i + 1); } } }
        return id && at ? this.getAttExpr(id, at, n.span) : this.other(n.span, 'GetAtt');
      }
      case 'Fn::Sub': {
        let tpl: CNode | undefined, vars: CNode | undefined;
        if (a.k === 'seq') { tpl = a.items[0]; vars = a.items[1]; } else tpl = a;
        const s = str(tpl);
        if (s === undefined || !tpl) return this.other(n.span, 'Sub');
        return this.sub(s, tpl, vars, n.span, depth);
      }
      case 'Fn::Join': {
        if (a.k !== 'seq' || a.items.length !== 2) return this.other(n.span, 'Join');
        const sep = str(a.items[0]) ?? (a.items[0].k === 'scalar' && a.items[0].value === null ? '' : undefined);
        const list = a.items[1];
        if (sep === undefined || list.k !== 'seq') return this.other(n.span, 'Join');
        const parts: TmplPart[] = [];
        list.items.forEach((it, i) => {
          if (i && sep) parts.push({ k: 'text', text: sep, span: a.items[0].span });
          const e = this.expr(it, depth + 1);
          if (e.t === 'lit' && e.value !== null) parts.push({ k: 'text', text: String(e.value), span: e.span });
          else if (e.t === 'tmpl') parts.push(...e.parts);
          else parts.push({ k: 'expr', expr: e, span: e.span });
        });
        return invokeUri({ t: 'tmpl', parts, span: n.span });
      }
      case 'Fn::Select': {
        if (a.k !== 'seq' || a.items.length !== 2) return this.other(n.span, 'Select');
        const i = Number(str(a.items[0]));
        const list = a.items[1];
        if (!Number.isInteger(i) || list.k !== 'seq' || !list.items[i]) return this.other(n.span, 'Select');
        return this.expr(list.items[i], depth + 1);
      }
      case 'Fn::FindInMap': {
        if (a.k !== 'seq' || a.items.length < 3) return this.other(n.span, 'FindInMap');
        const keys = a.items.slice(0, 3).map((x) => { const e = this.expr(x, depth + 1); return e.t === 'lit' && e.value !== null ? String(e.value) : undefined; });
        if (keys.some((k) => k === undefined)) return this.other(n.span, 'FindInMap');
        const v = get(get(get(this.mappings, keys[0]!), keys[1]!), keys[2]!);
        if (!v) return this.other(n.span, 'FindInMap');
        const e = this.expr(v, depth + 1);
        return e.t === 'lit' ? { ...e, span: n.span } : e;
      }
      default: return this.other(n.span, n.name);
    }
  }

  private sub(s: string, tpl: CNode, vars: CNode | undefined, span: Span, depth: number): Expr {
    const raw = this.text.slice(tpl.span.start, tpl.span.end);
    const quoted = tpl.k === 'scalar' && tpl.quoted;
    const exact = (quoted ? raw.slice(1, -1) : raw) === s;
    const base = tpl.span.start + (quoted ? 1 : 0);
    const at = (i: number, j: number): Span => (exact ? { start: base + i, end: base + j } : tpl.span);
    const parts: TmplPart[] = [];
    const re = /\$\{([^}]*)\}/g;
    let last = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(s))) {
      const inner = m[1].trim();
      if (inner.startsWith('!')) continue; // `${!Literal}` is the text `${Literal}`
      if (m.index > last) parts.push({ k: 'text', text: s.slice(last, m.index).replace(/\$\{!/g, '${'), span: at(last, m.index) });
      const sp = at(m.index, m.index + m[0].length);
      let e: Expr;
      const v = get(vars, inner);
      if (v) e = this.expr(v, depth + 1);
      else if (inner.includes('.') && !PSEUDO[inner]) { const i = inner.indexOf('.'); e = this.getAttExpr(inner.slice(0, i), inner.slice(i + 1), sp); }
      else e = this.refExpr(inner, sp);
      if (e.t === 'lit' && e.value !== null) parts.push({ k: 'text', text: String(e.value), span: sp });
      else if (e.t === 'tmpl') parts.push(...e.parts);
      else parts.push({ k: 'expr', expr: e, span: sp });
      last = m.index + m[0].length;
    }
    if (last < s.length) parts.push({ k: 'text', text: s.slice(last).replace(/\$\{!/g, '${'), span: at(last, s.length) });
    return invokeUri({ t: 'tmpl', parts, span });
  }

  // ---------- blocks ----------

  private attr(name: string, props: CNode | undefined, key: string): AttrSpec | undefined {
    const e = entry(props, key);
    if (!e) return undefined;
    return { name, value: this.expr(e.value), nameSpan: e.keySpan, span: e.span };
  }
  private fixed(name: string, value: Expr, at: Span): AttrSpec { return { name, value, nameSpan: at, span: at }; }

  private block(tf: string, name: string, r: CfnResource, attrsIn: (AttrSpec | undefined)[], opts: { blocks?: Block[]; span?: Span; body?: CNode; generated?: boolean; label?: string } = {}): Block {
    let attrs = attrsIn;
    const typeNode = get(r.entry.value, 'Type')!;
    const span = opts.span ?? r.entry.span;
    // a resource under a Condition may be absent (wiring: a conditional permission covers only triggers under the same condition)
    const ce = entry(r.entry.value, 'Condition');
    if (ce && ce.value.k === 'scalar' && ce.value.value !== null) attrs = [...attrs, { name: 'cfn_condition', value: this.lit(String(ce.value.value), ce.value.span), nameSpan: ce.keySpan, span: ce.span }];
    const body = opts.body ?? r.props ?? r.entry.value;
    const b: Block = {
      type: 'resource',
      labels: [{ value: tf, span: opts.span ? span : typeNode.span }, { value: name, span: opts.span ? span : r.entry.keySpan }],
      attrs: attrs.filter((x): x is AttrSpec => !!x).map((x) => ({ name: x.name, nameSpan: x.nameSpan, value: x.value, span: x.span } as Attribute)),
      blocks: opts.blocks ?? [],
      span, bodyStart: body.span.start, bodyEnd: body.span.end, hasError: false,
    };
    this.blocks.push(b);
    this.info.origin.set(b, r);
    BLOCK_INFO.set(b, this.info);
    if (opts.generated) this.info.generated.add(b);
    this.info.labels.set(`${tf}.${name}`, opts.label ?? `${r.type} ${r.id}`);
    return b;
  }
  private nested(type: string, attrs: (AttrSpec | undefined)[], span: Span): Block {
    return { type, labels: [], attrs: attrs.filter((x): x is AttrSpec => !!x) as Attribute[], blocks: [], span, bodyStart: span.start, bodyEnd: span.end, hasError: false };
  }

  private resource(r: CfnResource): void {
    const p = r.props;
    const id = r.id;
    const at = (name: string, key: string, props = p): AttrSpec | undefined => this.attr(name, props, key);
    const self = (attrName: string, span: Span): Expr => this.resTrav(id, attrName, span);
    switch (r.type) {
      case 'AWS::Lambda::Function':
        this.block('aws_lambda_function', id, r, [at('function_name', 'FunctionName'), at('role', 'Role')]);
        return;
      case 'AWS::Serverless::Function':
        this.samFunction(r);
        return;
      case 'AWS::Lambda::Permission':
        this.block('aws_lambda_permission', id, r, [at('action', 'Action'), at('function_name', 'FunctionName'), at('principal', 'Principal'),
          at('source_arn', 'SourceArn'), at('source_account', 'SourceAccount'), at('principal_org_id', 'PrincipalOrgID'),
          at('event_source_token', 'EventSourceToken'), at('function_url_auth_type', 'FunctionUrlAuthType'), at('invoked_via_function_url', 'InvokedViaFunctionUrl')]);
        return;
      case 'AWS::Lambda::Alias':
        this.block('aws_lambda_alias', id, r, [at('function_name', 'FunctionName'), at('name', 'Name')]);
        return;
      case 'AWS::Lambda::Url':
        this.block('aws_lambda_function_url', id, r, [at('function_name', 'TargetFunctionArn'), at('authorization_type', 'AuthType'), at('qualifier', 'Qualifier')]);
        return;
      case 'AWS::ApiGateway::RestApi': case 'AWS::Serverless::Api': {
        this.block('aws_api_gateway_rest_api', id, r, [at('name', 'Name')]);
        this.openApi(r, r.type === 'AWS::Serverless::Api' ? 'DefinitionBody' : 'Body', false);
        if (r.type === 'AWS::Serverless::Api') this.samAuthorizers(r, false);
        return;
      }
      case 'AWS::ApiGatewayV2::Api': case 'AWS::Serverless::HttpApi': {
        this.block('aws_apigatewayv2_api', id, r, [at('name', 'Name')]);
        this.openApi(r, r.type === 'AWS::Serverless::HttpApi' ? 'DefinitionBody' : 'Body', true);
        if (r.type === 'AWS::Serverless::HttpApi') this.samAuthorizers(r, true);
        return;
      }
      case 'AWS::ApiGateway::Resource':
        this.block('aws_api_gateway_resource', id, r, [at('parent_id', 'ParentId'), at('path_part', 'PathPart'), at('rest_api_id', 'RestApiId')]);
        return;
      case 'AWS::ApiGateway::Method': {
        const integ = get(p, 'Integration');
        const common = [at('rest_api_id', 'RestApiId'), at('resource_id', 'ResourceId'), at('http_method', 'HttpMethod')];
        this.block('aws_api_gateway_method', id, r, common);
        if (integ) {
          const type = this.attr('type', integ, 'Type');
          if (type && type.value.t === 'lit' && typeof type.value.value === 'string') type.value = { ...type.value, value: type.value.value.toUpperCase() };
          this.block('aws_api_gateway_integration', id, r, [...common, type, this.attr('uri', integ, 'Uri'), this.attr('credentials', integ, 'Credentials')]);
        }
        return;
      }
      case 'AWS::ApiGateway::Authorizer':
        this.block('aws_api_gateway_authorizer', id, r, [at('rest_api_id', 'RestApiId'), at('authorizer_uri', 'AuthorizerUri'), at('authorizer_credentials', 'AuthorizerCredentials'), at('type', 'Type')]);
        return;
      case 'AWS::ApiGatewayV2::Integration':
        this.block('aws_apigatewayv2_integration', id, r, [at('api_id', 'ApiId'), at('integration_type', 'IntegrationType'), at('integration_uri', 'IntegrationUri'), at('credentials_arn', 'CredentialsArn')]);
        return;
      case 'AWS::ApiGatewayV2::Route':
        this.block('aws_apigatewayv2_route', id, r, [at('api_id', 'ApiId'), at('route_key', 'RouteKey'), at('target', 'Target')]);
        return;
      case 'AWS::ApiGatewayV2::Authorizer':
        this.block('aws_apigatewayv2_authorizer', id, r, [at('api_id', 'ApiId'), at('authorizer_type', 'AuthorizerType'), at('authorizer_uri', 'AuthorizerUri'), at('authorizer_credentials_arn', 'AuthorizerCredentialsArn')]);
        return;
      case 'AWS::S3::Bucket': {
        this.block('aws_s3_bucket', id, r, [at('bucket', 'BucketName')]);
        const lcs = get(get(p, 'NotificationConfiguration'), 'LambdaConfigurations');
        if (lcs?.k === 'seq') {
          const blocks = lcs.items.map((lc) => this.nested('lambda_function', [this.attr('lambda_function_arn', lc, 'Function')], lc.span));
          this.block('aws_s3_bucket_notification', id, r, [this.fixed('bucket', self('id', r.entry.keySpan), r.entry.keySpan)], { blocks });
        }
        return;
      }
      case 'AWS::SNS::Topic': {
        this.block('aws_sns_topic', id, r, [at('name', 'TopicName')]);
        const subs = get(p, 'Subscription');
        if (subs?.k === 'seq') subs.items.forEach((s, i) => {
          this.block('aws_sns_topic_subscription', `${id}__sub${i}`, r, [this.fixed('topic_arn', self('arn', s.span), s.span), this.attr('protocol', s, 'Protocol'), this.attr('endpoint', s, 'Endpoint')], { span: s.span, body: s, label: `AWS::SNS::Topic ${id}` });
        });
        return;
      }
      case 'AWS::SNS::Subscription':
        this.block('aws_sns_topic_subscription', id, r, [at('topic_arn', 'TopicArn'), at('protocol', 'Protocol'), at('endpoint', 'Endpoint')]);
        return;
      case 'AWS::Events::Rule': {
        this.block('aws_cloudwatch_event_rule', id, r, [at('name', 'Name'), at('event_bus_name', 'EventBusName')]);
        const targets = get(p, 'Targets');
        if (targets?.k === 'seq') targets.items.forEach((t, i) => {
          const tid = str(get(t, 'Id'));
          this.block('aws_cloudwatch_event_target', `${id}__target${i}`, r, [this.fixed('rule', self('name', t.span), t.span), this.attr('arn', t, 'Arn')], { span: t.span, body: t, label: `AWS::Events::Rule ${id}${tid ? ` (target ${tid})` : ''}` });
        });
        return;
      }
      case 'AWS::Logs::LogGroup':
        this.block('aws_cloudwatch_log_group', id, r, [at('name', 'LogGroupName')]);
        return;
      case 'AWS::Logs::SubscriptionFilter':
        this.block('aws_cloudwatch_log_subscription_filter', id, r, [at('log_group_name', 'LogGroupName'), at('destination_arn', 'DestinationArn')]);
        return;
      case 'AWS::ElasticLoadBalancingV2::TargetGroup': {
        this.block('aws_lb_target_group', id, r, [at('name', 'Name'), at('target_type', 'TargetType')]);
        const tt = str(get(p, 'TargetType'));
        const targets = get(p, 'Targets');
        if (tt === 'lambda' && targets?.k === 'seq') targets.items.forEach((t, i) => {
          this.block('aws_lb_target_group_attachment', `${id}__target${i}`, r, [this.fixed('target_group_arn', self('arn', t.span), t.span), this.attr('target_id', t, 'Id')], { span: t.span, body: t, label: `AWS::ElasticLoadBalancingV2::TargetGroup ${id}` });
        });
        return;
      }
      case 'AWS::Cognito::UserPool': {
        const lc = get(p, 'LambdaConfig');
        const blocks: Block[] = [];
        if (lc?.k === 'map') {
          const attrs: (AttrSpec | undefined)[] = [];
          for (const e of lc.entries) {
            if (COGNITO[e.key]) attrs.push({ name: COGNITO[e.key], value: this.expr(e.value), nameSpan: e.keySpan, span: e.span });
            else if (e.key === 'CustomSMSSender' || e.key === 'CustomEmailSender' || e.key === 'PreTokenGenerationConfig') {
              const nb = this.nested(e.key === 'CustomSMSSender' ? 'custom_sms_sender' : e.key === 'CustomEmailSender' ? 'custom_email_sender' : 'pre_token_generation_config', [this.attr('lambda_arn', e.value, 'LambdaArn')], e.span);
              (attrs as unknown as Block[]).length; blocks.push(nb);
            }
          }
          const lcb = this.nested('lambda_config', attrs, lc.span);
          lcb.blocks = blocks;
          this.block('aws_cognito_user_pool', id, r, [at('name', 'UserPoolName')], { blocks: [lcb] });
        } else this.block('aws_cognito_user_pool', id, r, [at('name', 'UserPoolName')]);
        return;
      }
      case 'AWS::IoT::TopicRule': {
        const payload = get(p, 'TopicRulePayload');
        const blocks: Block[] = [];
        const acts = get(payload, 'Actions');
        for (const a of acts?.k === 'seq' ? acts.items : []) { const l = get(a, 'Lambda'); if (l) blocks.push(this.nested('lambda', [this.attr('function_arn', l, 'FunctionArn')], l.span)); }
        const el = get(get(payload, 'ErrorAction'), 'Lambda');
        if (el) blocks.push(this.nested('error_action', [], el.span)), blocks[blocks.length - 1].blocks.push(this.nested('lambda', [this.attr('function_arn', el, 'FunctionArn')], el.span));
        this.block('aws_iot_topic_rule', id, r, [at('name', 'RuleName')], { blocks });
        return;
      }
      case 'AWS::IAM::Role': {
        const inl: Block[] = [];
        const pols = get(p, 'Policies');
        for (const x of pols?.k === 'seq' ? pols.items : []) {
          const doc = entry(x, 'PolicyDocument');
          if (doc) inl.push(this.nested('inline_policy', [this.attr('name', x, 'PolicyName'), this.policyAttr(doc)], x.span));
        }
        this.block('aws_iam_role', id, r, [at('name', 'RoleName'), this.policyAttr(entry(p, 'AssumeRolePolicyDocument'), 'assume_role_policy'), at('managed_policy_arns', 'ManagedPolicyArns')], { blocks: inl });
        return;
      }
      case 'AWS::IAM::Policy': case 'AWS::IAM::ManagedPolicy': {
        this.block('aws_iam_policy', id, r, [this.policyAttr(entry(p, 'PolicyDocument'))]);
        const roles = get(p, 'Roles');
        (roles?.k === 'seq' ? roles.items : []).forEach((x, i) => {
          this.block('aws_iam_role_policy_attachment', `${id}__role${i}`, r, [{ name: 'role', value: this.expr(x), nameSpan: x.span, span: x.span }, this.fixed('policy_arn', self('arn', x.span), x.span)], { span: x.span, body: x, generated: true });
        });
        return;
      }
      default:
        return;
    }
  }

  /** A policy document property as `policy = jsonencode({...})` with the template's spans. */
  private policyAttr(e: CEntry | undefined, name = 'policy'): AttrSpec | undefined {
    if (!e) return undefined;
    const v = this.expr(e.value);
    return { name, value: v.t === 'obj' ? { t: 'call', name: 'jsonencode', args: [v], span: e.value.span } : v, nameSpan: e.keySpan, span: e.span };
  }

  // ---------- SAM ----------

  private fnProp(r: CfnResource, key: string): CEntry | undefined {
    return entry(r.props, key) ?? entry(this.globalsFn, key);
  }

  private aliasIdOf(fnId: string): string | undefined {
    const r = this.info.resources.get(fnId);
    const a = r ? str(this.fnProp(r, 'AutoPublishAlias')?.value) : undefined;
    return a ? `${fnId}Alias${a.replace(/[^A-Za-z0-9]/g, '')}` : undefined;
  }

  private samFunction(r: CfnResource): void {
    const id = r.id;
    const p = r.props;
    const fnBlock = this.block('aws_lambda_function', id, r, [this.attr('function_name', p, 'FunctionName')]);
    void fnBlock;
    const fnTrav = (attrName: string, span: Span): Expr => this.trav('aws_lambda_function', [id, attrName], span);
    const aliasE = this.fnProp(r, 'AutoPublishAlias');
    const aliasName = str(aliasE?.value);
    const aliasId = this.aliasIdOf(id);
    if (aliasE && aliasName && aliasId) {
      this.block('aws_lambda_alias', aliasId, r, [this.fixed('function_name', fnTrav('function_name', aliasE.span), aliasE.span), this.fixed('name', this.lit(aliasName, aliasE.value.span), aliasE.value.span)],
        { span: aliasE.span, body: aliasE.value, generated: true, label: `AWS::Lambda::Alias ${aliasId} (AutoPublishAlias of ${id})` });
    }
    // what SAM's generated resources invoke: the alias when there is one
    const target = (attrName: 'arn' | 'function_name', span: Span): Expr => (aliasId ? this.trav('aws_lambda_alias', [aliasId, 'arn'], span) : fnTrav(attrName, span));
    const url = this.fnProp(r, 'FunctionUrlConfig');
    if (url) {
      const auth = entry(url.value, 'AuthType');
      this.block('aws_lambda_function_url', `${id}Url`, r, [this.fixed('function_name', target('function_name', url.keySpan), url.keySpan), auth && { name: 'authorization_type', value: this.expr(auth.value), nameSpan: auth.keySpan, span: auth.span }],
        { span: url.span, body: url.value, generated: true, label: `FunctionUrlConfig of AWS::Serverless::Function ${id}` });
    }
    // SAM policies written as statements: the inline policy of the role SAM makes
    if (!entry(p, 'Role')) {
      const pols = get(p, 'Policies');
      const inl: Block[] = [];
      for (const x of pols?.k === 'seq' ? pols.items : pols ? [pols] : []) {
        if (x.k === 'map' && entry(x, 'Statement')) {
          const v = this.expr(x);
          inl.push(this.nested('inline_policy', [{ name: 'policy', value: { t: 'call', name: 'jsonencode', args: [v], span: x.span }, nameSpan: x.span, span: x.span }], x.span));
        }
      }
      if (inl.length) this.block('aws_iam_role', `${id}Role`, r, [], { blocks: inl, generated: true, label: `AWS::IAM::Role ${id}Role (made by SAM for ${id})` });
    }
    const evs = get(p, 'Events');
    if (evs?.k !== 'map') return;
    for (const ev of evs.entries) {
      const typeE = entry(ev.value, 'Type');
      const type = str(typeE?.value);
      if (!typeE || !type) continue;
      const props = get(ev.value, 'Properties');
      const tspan = typeE.value.span;
      const permName = `${id}${ev.key}Permission`;
      const perm = (principal: string, extra: AttrSpec[]): void => {
        this.block('aws_lambda_permission', permName, r, [this.fixed('action', this.lit('lambda:InvokeFunction', tspan), tspan), this.fixed('function_name', target('function_name', tspan), tspan), this.fixed('principal', this.lit(principal, tspan), tspan), ...extra],
          { span: ev.span, body: ev.value, generated: true, label: `the permission SAM makes for event ${ev.key} of ${id}` });
      };
      if (type === 'Api' || type === 'HttpApi') {
        const apiNode = get(props, type === 'Api' ? 'RestApiId' : 'ApiId');
        const apiId = apiNode ? this.targetId(apiNode) : undefined;
        if (!apiId || !this.info.resources.has(apiId)) continue; // the implicit API SAM builds from the events: SAM wires it
        const method = (str(get(props, 'Method')) ?? 'ANY').toUpperCase();
        const path = (str(get(props, 'Path')) ?? '').replace(/\{[^}]*\}/g, '*');
        const tail = type === 'HttpApi' && !get(props, 'Path') ? '/*' : `/*/${method === 'ANY' ? '*' : method}${path || '/*'}`;
        const P = this.trav('data', ['aws_partition', 'current', 'partition'], tspan), R = this.trav('data', ['aws_region', 'current', 'name'], tspan), A = this.trav('data', ['aws_caller_identity', 'current', 'account_id'], tspan);
        const tm = (t: string): TmplPart => ({ k: 'text', text: t, span: tspan });
        const ex = (e: Expr): TmplPart => ({ k: 'expr', expr: e, span: tspan });
        const src: Expr = { t: 'tmpl', parts: [tm('arn:'), ex(P), tm(':execute-api:'), ex(R), tm(':'), ex(A), tm(':'), ex(this.resTrav(apiId, 'id', tspan)), tm(tail)], span: tspan };
        perm('apigateway.amazonaws.com', [this.fixed('source_arn', src, tspan)]);
        // the integration SAM makes for the event: the permission's own invoker
        const uri = aliasId ? this.trav('aws_lambda_alias', [aliasId, 'invoke_arn'], tspan) : fnTrav('invoke_arn', tspan);
        const api = this.resTrav(apiId, 'id', tspan);
        this.block(type === 'Api' ? 'aws_api_gateway_integration' : 'aws_apigatewayv2_integration', `${id}${ev.key}Integration`, r, type === 'Api'
          ? [this.fixed('type', this.lit('AWS_PROXY', tspan), tspan), this.fixed('uri', uri, tspan), this.fixed('rest_api_id', api, tspan), this.fixed('http_method', this.lit(method, tspan), tspan)]
          : [this.fixed('integration_type', this.lit('AWS_PROXY', tspan), tspan), this.fixed('integration_uri', uri, tspan), this.fixed('api_id', api, tspan)],
        { span: ev.span, body: ev.value, generated: true, label: `the integration SAM makes for event ${ev.key} of ${id}` });
      } else if (type === 'S3') {
        const bucketId = this.targetId(get(props, 'Bucket') ?? { k: 'scalar', value: null, span: tspan, quoted: false });
        perm('s3.amazonaws.com', [this.fixed('source_account', this.trav('data', ['aws_caller_identity', 'current', 'account_id'], tspan), tspan)]);
        if (bucketId && this.info.resources.get(bucketId)?.type === 'AWS::S3::Bucket') {
          const lf = this.nested('lambda_function', [this.fixed('lambda_function_arn', target('arn', tspan), tspan)], ev.span);
          this.block('aws_s3_bucket_notification', `${bucketId}__${id}${ev.key}`, r, [this.fixed('bucket', this.resTrav(bucketId, 'id', tspan), tspan)], { span: ev.span, body: ev.value, blocks: [lf], generated: true, label: `the S3 notification SAM adds to AWS::S3::Bucket ${bucketId} for event ${ev.key} of ${id}` });
        }
      } else if (type === 'AlexaSkill') {
        const skill = entry(props, 'SkillId');
        perm('alexa-appkit.amazon.com', skill ? [{ name: 'event_source_token', value: this.expr(skill.value), nameSpan: skill.keySpan, span: skill.span }] : []);
      }
    }
  }

  /** SAM Lambda authorizers that get no generated permission. */
  private samAuthorizers(r: CfnResource, v2: boolean): void {
    const auths = get(get(r.props, 'Auth'), 'Authorizers') ?? get(get(v2 ? this.globalsHttpApi : this.globalsApi, 'Auth'), 'Authorizers');
    if (auths?.k !== 'map') return;
    for (const a of auths.entries) {
      const fa = entry(a.value, 'FunctionArn');
      if (!fa) continue;
      const granted = v2 ? str(get(a.value, 'EnableFunctionDefaultPermissions')) === 'true' : str(get(a.value, 'DisableFunctionDefaultPermissions')) !== 'true';
      if (granted) {
        // the permission SAM generates: `${api}/authorizers/*` (covers every authorizer of the API on that function)
        const sp = fa.span;
        const P = this.trav('data', ['aws_partition', 'current', 'partition'], sp), R = this.trav('data', ['aws_region', 'current', 'name'], sp), A = this.trav('data', ['aws_caller_identity', 'current', 'account_id'], sp);
        const tm = (t: string): TmplPart => ({ k: 'text', text: t, span: sp });
        const ex = (e: Expr): TmplPart => ({ k: 'expr', expr: e, span: sp });
        const src: Expr = { t: 'tmpl', parts: [tm('arn:'), ex(P), tm(':execute-api:'), ex(R), tm(':'), ex(A), tm(':'), ex(this.resTrav(r.id, 'id', sp)), tm('/authorizers/*')], span: sp };
        this.block('aws_lambda_permission', `${r.id}${a.key}AuthorizerPermission`, r, [this.fixed('action', this.lit('lambda:InvokeFunction', sp), sp), { name: 'function_name', value: this.expr(fa.value), nameSpan: fa.keySpan, span: fa.span }, this.fixed('principal', this.lit('apigateway.amazonaws.com', sp), sp), this.fixed('source_arn', src, sp)],
          { span: a.span, body: a.value, generated: true, label: `the permission SAM makes for authorizer ${a.key} of ${r.id}` });
      }
      if (v2) {
        this.block('aws_apigatewayv2_authorizer', `${r.id}${a.key}Authorizer`, r, [this.fixed('api_id', this.resTrav(r.id, 'id', a.keySpan), a.keySpan), this.fixed('authorizer_type', this.lit('REQUEST', a.keySpan), a.keySpan), { name: 'authorizer_uri', value: this.expr(fa.value), nameSpan: fa.keySpan, span: fa.span }],
          { span: a.span, body: a.value, generated: true, label: `Lambda authorizer ${a.key} of AWS::Serverless::HttpApi ${r.id}` });
      } else {
        this.block('aws_api_gateway_authorizer', `${r.id}${a.key}Authorizer`, r, [this.fixed('rest_api_id', this.resTrav(r.id, 'id', a.keySpan), a.keySpan), { name: 'authorizer_uri', value: this.expr(fa.value), nameSpan: fa.keySpan, span: fa.span }],
          { span: a.span, body: a.value, generated: true, label: `Lambda authorizer ${a.key} of AWS::Serverless::Api ${r.id}` });
      }
    }
  }

  /** OpenAPI integrations of an API's inline body (or of an included local file). */
  private openApi(r: CfnResource, key: string, v2: boolean): void {
    const body = get(r.props, key);
    const uriKey = r.type.startsWith('AWS::Serverless::') ? 'DefinitionUri' : 'BodyS3Location';
    if (body?.k === 'fn' && body.name === 'Fn::Transform' && str(get(body.arg, 'Name')) === 'AWS::Include') {
      const loc = str(get(get(body.arg, 'Parameters'), 'Location'));
      if (loc && !/^s3:\/\//i.test(loc)) this.includeFile(r, loc, v2, body.span);
      return;
    }
    if (body && body.k === 'map') { this.integrations(r, body, v2, this.blocks); return; }
    const du = entry(r.props, uriKey);
    const loc = du ? str(du.value) : undefined;
    if (loc && !/^s3:\/\//i.test(loc) && r.type.startsWith('AWS::Serverless::')) this.includeFile(r, loc, v2, du!.value.span);
  }

  private includeFile(r: CfnResource, loc: string, v2: boolean, at: Span): void {
    const dir = this.path.includes('/') ? this.path.slice(0, this.path.lastIndexOf('/') + 1) : '';
    const rel = normalize(dir + loc.replace(/^\.\//, ''));
    this.info.includes.push({ path: rel, api: r.id, v2, at });
    const f = this.include?.(rel);
    if (!f) return;
    const doc = parseTemplate(f.text, formatOf(f.path, f.text));
    if (!doc.root || doc.root.k !== 'map') return;
    // expressions of the included file: literal ARNs, `Fn::Sub` (AWS::Include resolves intrinsics)
    const sub = new Synth(f.path, f.text, doc);
    (sub as unknown as { info: CfnInfo }).info.resources = this.info.resources;
    (sub as unknown as { params: Map<string, CNode | undefined> }).params.clear();
    for (const [k, v] of this.params) (sub as unknown as { params: Map<string, CNode | undefined> }).params.set(k, v);
    const blocks: Block[] = [];
    sub.integrations(r, doc.root, v2, blocks, this);
    if (blocks.length) this.extra.push({ path: f.path, blocks });
  }

  /** Synthetic integrations of the `x-amazon-apigateway-integration` of each operation. */
  integrations(r: CfnResource, body: CNode, v2: boolean, out: Block[], owner: Synth = this): void {
    const paths = get(body, 'paths');
    if (paths?.k !== 'map') return;
    let i = 0;
    for (const pe of paths.entries) {
      if (pe.value.k !== 'map') continue;
      for (const me of pe.value.entries) {
        const integ = get(me.value, 'x-amazon-apigateway-integration');
        const uriE = entry(integ, 'uri');
        if (!uriE) continue;
        const type = (str(get(integ, 'type')) ?? '').toUpperCase();
        const method = me.key.toUpperCase() === 'X-AMAZON-APIGATEWAY-ANY-METHOD' ? 'ANY' : me.key.toUpperCase();
        const name = `${r.id}__openapi${i++}`;
        const uri: AttrSpec = { name: v2 ? 'integration_uri' : 'uri', value: this.expr(uriE.value), nameSpan: uriE.keySpan, span: uriE.span };
        const apiRef = owner.resTrav(r.id, 'id', uriE.keySpan);
        const attrs = v2
          ? [this.fixed('api_id', apiRef, uriE.keySpan), this.fixed('integration_type', this.lit(type, uriE.keySpan), uriE.keySpan), uri, this.attr('credentials_arn', integ, 'credentials')]
          : [this.fixed('rest_api_id', apiRef, uriE.keySpan), this.fixed('type', this.lit(type, uriE.keySpan), uriE.keySpan), this.fixed('http_method', this.lit(method, me.keySpan), me.keySpan), uri, this.attr('credentials', integ, 'credentials')];
        const b: Block = {
          type: 'resource', labels: [{ value: v2 ? 'aws_apigatewayv2_integration' : 'aws_api_gateway_integration', span: me.keySpan }, { value: name, span: me.keySpan }],
          attrs: attrs.filter((x): x is AttrSpec => !!x) as Attribute[], blocks: [], span: me.span, bodyStart: me.value.span.start, bodyEnd: me.value.span.end, hasError: false,
        };
        out.push(b);
        owner.info.origin.set(b, r);
        BLOCK_INFO.set(b, owner.info);
        owner.info.generated.add(b);
        owner.info.labels.set(`${b.labels[0].value}.${name}`, `the OpenAPI integration of ${method} ${pe.key} in ${r.type} ${r.id}`);
      }
    }
  }
}

/**
 * `arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations`
 * is the function's invocation URI: the same reference as Terraform's `invoke_arn`.
 */
function invokeUri(e: Expr): Expr {
  if (e.t !== 'tmpl') return e;
  let s = '';
  let fn: Extract<Expr, { t: 'trav' }> | undefined;
  for (const p of e.parts) {
    if (p.k === 'text') { s += p.text; continue; }
    if (p.k !== 'expr' || p.expr.t !== 'trav') return e;
    const x = p.expr;
    const names = x.steps.map((st) => (st.k === 'attr' ? st.name : '?')).join('.');
    if (x.root === 'data' && names === 'aws_partition.current.partition') s += '\u0001P';
    else if (x.root === 'data' && names === 'aws_region.current.name') s += '\u0001R';
    else if ((x.root === 'aws_lambda_function' || x.root === 'aws_lambda_alias') && /\.(arn|qualified_arn)$/.test(names) && !fn) { fn = x; s += '\u0001F'; }
    else return e;
  }
  if (!fn || !/^arn:(\u0001P|aws[a-z-]*):apigateway:(\u0001R|[a-z0-9-]+):lambda:path\/2015-03-31\/functions\/\u0001F\/invocations$/.test(s)) return e;
  const steps = fn.steps.map((st, i) => (i === fn!.steps.length - 1 && st.k === 'attr' ? { ...st, name: st.name === 'qualified_arn' ? 'qualified_invoke_arn' : 'invoke_arn' } : st));
  return { t: 'trav', root: fn.root, steps, span: e.span };
}

function normalize(p: string): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop(); else out.push(seg);
  }
  return out.join('/');
}

/** Logical ids a node refers to (`Ref`, `Fn::GetAtt`, names in `Fn::Sub`). */
export function collectRefs(n: CNode | undefined, out: Set<string>, depth = 0): void {
  if (!n || depth > 100) return;
  if (n.k === 'fn') {
    if (n.name === 'Ref') { const s = str(n.arg); if (s && !s.startsWith('AWS::')) out.add(s); return; }
    if (n.name === 'Fn::GetAtt') {
      const s = n.arg.k === 'seq' ? str(n.arg.items[0]) : str(n.arg)?.split('.')[0];
      if (s) out.add(s);
      return;
    }
    if (n.name === 'Fn::Sub') {
      const tpl = n.arg.k === 'seq' ? n.arg.items[0] : n.arg;
      const s = str(tpl);
      const vars = n.arg.k === 'seq' ? n.arg.items[1] : undefined;
      if (s) for (const m of s.matchAll(/\$\{([^}!][^}]*)\}/g)) { const name = m[1].trim().split('.')[0]; if (!name.startsWith('AWS::') && !get(vars, m[1].trim())) out.add(name); }
      if (vars) collectRefs(vars, out, depth + 1);
      return;
    }
    collectRefs(n.arg, out, depth + 1);
    return;
  }
  if (n.k === 'map') for (const e of n.entries) collectRefs(e.value, out, depth + 1);
  else if (n.k === 'seq') for (const x of n.items) collectRefs(x, out, depth + 1);
}
