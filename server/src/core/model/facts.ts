import type { Attribute, Block, Span } from './ast';
import { attr, blocksOf } from './ast';
import type { ModuleIndex, Resource, SourceFile } from './module';
import { policyFromJsonFile, guessRole, statementsFromDocument, statementsFromTemplate, statementsFromValue, type Field, type PolicyDoc, type PolicyRole, type Statement } from './policy';
import { knownString, soleToken, type Value, UNKNOWN } from './value';
import { policyFromTemplate, templateFilesOf, templateVars } from './template';
import { isPlanJson } from '../frontends/plan/read';
import { realPath } from './config';

/** A grant in a Lambda resource policy: an `aws_lambda_permission` or a statement of a resource-policy JSON. */
export interface Permission {
  origin: 'tf' | 'json';
  file: string;
  span: Span;
  resource?: Resource;
  statement?: Statement;
  principal?: Field;
  /** JSON: the principal item type (`Service`, `AWS`, `*`). */
  principalType?: string;
  action?: Field;
  functionName?: Field;
  qualifier?: Field;
  sourceArn?: Field;
  sourceAccount?: Field;
  principalOrgId?: Field;
  eventSourceToken?: Field;
  functionUrlAuthType?: Field;
  invokedViaFunctionUrl?: Field;
  /** JSON: the statement has some Condition. */
  hasCondition?: boolean;
}

export interface Facts {
  module: ModuleIndex;
  policies: PolicyDoc[];
  permissions: Permission[];
  /** Policy documents by the resource address that owns them (roles: inline + attached + role policies). */
  policiesOfRole(roleAddress: string): { docs: PolicyDoc[]; complete: boolean };
  /** The documents of one resource's policy attributes (`aws_iam_policy.x`: its `policy`). */
  docsOf(address: string): PolicyDoc[];
}

function field(mi: ModuleIndex, b: Block, name: string, file: SourceFile): Field | undefined {
  const a = attr(b, name);
  if (!a) return undefined;
  const v = mi.evaluate(a.value);
  return { value: v, file: file.path, span: a.value.span };
}

/** Known text of a field's value. */
export function text(f: Field | undefined): string | undefined { return f ? knownString(f.value) : undefined; }

const IAM_POLICY_ATTRS: Record<string, { attr: string; role: PolicyRole }[]> = {
  aws_iam_policy: [{ attr: 'policy', role: 'identity' }],
  aws_iam_role_policy: [{ attr: 'policy', role: 'identity' }],
  aws_iam_user_policy: [{ attr: 'policy', role: 'identity' }],
  aws_iam_group_policy: [{ attr: 'policy', role: 'identity' }],
  aws_iam_role: [{ attr: 'assume_role_policy', role: 'trust' }],
};

export function buildFacts(mi: ModuleIndex): Facts {
  const policies: PolicyDoc[] = [];
  const docByData = new Map<string, PolicyDoc>();
  const docByFile = new Map<string, PolicyDoc>();
  const docsByOwner = new Map<string, PolicyDoc[]>();
  const incomplete = new Set<string>();
  const own = (owner: string, d: PolicyDoc | undefined): void => {
    if (!d) { incomplete.add(owner); return; }
    const l = docsByOwner.get(owner);
    if (l) l.push(d); else docsByOwner.set(owner, [d]);
  };

  // policy files: pushed after the IAM resources, except those a templatefile() call renders (one document per call)
  const templates = templateFilesOf(mi.files);
  const rendered = new Set<string>();
  for (const f of mi.files) {
    if (f.kind === 'json' && isPlanJson(f.text)) continue; // a Terraform plan is read by its own front-end
    const d = templates.has(f.path) ? policyFromTemplate(f, undefined) : f.kind === 'json' ? policyFromJsonFile(f) : undefined;
    if (d) docByFile.set(f.path, d);
  }
  for (const r of mi.ofType('data.aws_iam_policy_document')) {
    const d: PolicyDoc = { file: r.file.path, span: r.block.span, style: 'document', role: 'unknown', statements: [], owner: r };
    d.statements = statementsFromDocument(d, r.block, r.file, mi);
    d.role = guessRole(d);
    policies.push(d);
    docByData.set(r.address, d);
  }

  /** A policy attribute value: jsonencode, heredoc, reference to a document, file(). */
  const readPolicyAttr = (r: Resource, a: Attribute, role: PolicyRole): PolicyDoc | undefined => {
    const e = a.value;
    if (e.t === 'tmpl' && e.heredoc) {
      const d: PolicyDoc = { file: r.file.path, span: e.span, style: 'heredoc', role, statements: [], owner: r };
      d.statements = statementsFromTemplate(d, e, r.file, mi);
      if (!d.statements.length && !d.json) return undefined;
      policies.push(d);
      return d;
    }
    if (e.t === 'call' && (e.name === 'file' || e.name === 'templatefile')) {
      const p = mi.evaluate(e.args[0]);
      const parts = p.k === 'str' ? p.parts : [];
      let rel = '';
      for (const x of parts) {
        if (typeof x === 'string') rel += x;
        else if (x.ref === 'path.module' && rel === '') rel = '';
        else return undefined;
      }
      rel = rel.replace(/^\.?\//, '');
      const dirOf = r.file.path.includes('/') ? r.file.path.slice(0, r.file.path.lastIndexOf('/') + 1) : '';
      if (e.name === 'templatefile') {
        const tf = mi.file(dirOf + rel) ?? mi.file(rel);
        if (tf && (tf.kind === 'json' || templates.has(tf.path))) {
          rendered.add(tf.path);
          const d = policyFromTemplate(tf, templateVars(mi, e.args[1]));
          if (!d) return undefined;
          d.owner = r;
          policies.push(d);
          return d;
        }
      }
      return docByFile.get(dirOf + rel) ?? docByFile.get(rel);
    }
    const v = mi.evaluate(e);
    const tok = soleToken(v);
    if (tok && tok.resource?.startsWith('data.aws_iam_policy_document.') && (tok.attr === 'json' || tok.attr === 'minified_json')) return docByData.get(tok.resource);
    if (v.k === 'json') {
      const d: PolicyDoc = { file: v.file ?? r.file.path, span: v.src?.span ?? e.span, style: 'jsonencode', role, statements: [], owner: r };
      d.statements = statementsFromValue(d, v, r.file.path);
      policies.push(d);
      return d;
    }
    return undefined;
  };

  for (const [type, specs] of Object.entries(IAM_POLICY_ATTRS)) {
    for (const r of mi.ofType(type)) {
      for (const s of specs) {
        const a = attr(r.block, s.attr);
        if (!a) continue;
        const d = readPolicyAttr(r, a, s.role);
        if (d && d.role === 'unknown') d.role = s.role;
        if (type === 'aws_iam_role_policy') {
          const role = roleAddress(mi, r.block, 'role');
          if (role) own(role, d);
        } else own(r.address, d);
      }
      if (type === 'aws_iam_role') for (const ip of blocksOf(r.block, 'inline_policy')) {
        const a = attr(ip, 'policy');
        const d = a ? readPolicyAttr(r, a, 'identity') : undefined;
        if (d && d.owner === r) d.holder ??= `an inline policy of ${r.address}`;
        if (a) own(r.address, d);
      }
    }
  }
  // policy files read alone (a template alone: every interpolation unknown), unless templatefile() calls render them
  for (const f of mi.files) {
    if (rendered.has(f.path)) continue;
    const d = docByFile.get(f.path);
    if (d) policies.push(d);
  }
  // aws_lambda_permission-like JSON resource policies are in `policies` with role 'resource'.
  for (const d of policies) {
    // a standalone policy file: its name (without the module instance a configuration tags paths with)
    const path = realPath(d.file);
    d.holder ??= d.owner ? d.owner.address : path.slice(path.lastIndexOf('/') + 1);
  }

  const attachments = new Map<string, (string | undefined)[]>();
  for (const r of mi.ofType('aws_iam_role_policy_attachment')) {
    const role = roleAddress(mi, r.block, 'role');
    if (!role) continue;
    const pa = attr(r.block, 'policy_arn');
    const tok = pa ? soleToken(mi.evaluate(pa.value)) : undefined;
    const pol = tok?.resource?.startsWith('aws_iam_policy.') && tok.attr === 'arn' ? tok.resource : undefined;
    const l = attachments.get(role) ?? [];
    l.push(pol);
    attachments.set(role, l);
  }
  for (const r of mi.ofType('aws_iam_role')) {
    const mpa = attr(r.block, 'managed_policy_arns');
    if (mpa) {
      const v = mi.evaluate(mpa.value);
      const l = attachments.get(r.address) ?? [];
      if (v.k === 'list') for (const it of v.items) { const t = soleToken(it); l.push(t?.resource?.startsWith('aws_iam_policy.') ? t.resource : undefined); }
      else l.push(undefined);
      attachments.set(r.address, l);
    }
  }

  const permissions: Permission[] = [];
  for (const r of mi.ofType('aws_lambda_permission')) {
    const b = r.block, f = r.file;
    permissions.push({
      origin: 'tf', file: f.path, span: b.span, resource: r,
      principal: field(mi, b, 'principal', f), action: field(mi, b, 'action', f), functionName: field(mi, b, 'function_name', f),
      qualifier: field(mi, b, 'qualifier', f), sourceArn: field(mi, b, 'source_arn', f), sourceAccount: field(mi, b, 'source_account', f),
      principalOrgId: field(mi, b, 'principal_org_id', f), eventSourceToken: field(mi, b, 'event_source_token', f),
      functionUrlAuthType: field(mi, b, 'function_url_auth_type', f), invokedViaFunctionUrl: field(mi, b, 'invoked_via_function_url', f),
    });
  }
  for (const d of policies) {
    if (d.role !== 'resource') continue;
    for (const s of d.statements) {
      if ((s.effect ?? 'Allow') !== 'Allow') continue;
      const cond = (key: string): Field | undefined => {
        for (const c of s.conditions) if (c.key.toLowerCase() === key.toLowerCase() && c.values[0]) return c.values[0];
        return undefined;
      };
      const items: { type: string; value: Field }[] = s.principalStar ? [{ type: '*', value: s.principalStar }] : s.principals;
      for (const p of items) {
        const acts = s.actions.length ? s.actions : [undefined];
        for (const act of acts) {
          permissions.push({
            origin: 'json', file: s.file, span: s.span, statement: s, principal: p.value, principalType: p.type, action: act,
            functionName: s.resources[0], sourceArn: cond('aws:SourceArn'), sourceAccount: cond('aws:SourceAccount'),
            principalOrgId: cond('aws:PrincipalOrgID'), eventSourceToken: cond('lambda:EventSourceToken'),
            functionUrlAuthType: cond('lambda:FunctionUrlAuthType'), invokedViaFunctionUrl: cond('lambda:InvokedViaFunctionUrl'),
            hasCondition: s.conditions.length > 0,
          });
        }
      }
    }
  }

  return {
    module: mi, policies, permissions,
    docsOf: (address) => docsByOwner.get(address) ?? [],
    policiesOfRole(role: string) {
      const docs = [...(docsByOwner.get(role) ?? [])];
      let complete = !incomplete.has(role) && mi.resources.has(role);
      for (const pol of attachments.get(role) ?? []) {
        if (!pol) { complete = false; continue; }
        if (incomplete.has(pol)) complete = false;
        docs.push(...(docsByOwner.get(pol) ?? []));
      }
      // attachments done by other means (aws_iam_policy_attachment, for_each over unknown lists) are not visible
      for (const r of mi.ofType('aws_iam_policy_attachment')) {
        const roles = attr(r.block, 'roles');
        if (roles && JSON.stringify(mi.evaluate(roles.value), (k, v) => (k === 'src' ? undefined : v)).includes(role)) complete = false;
      }
      return { docs, complete };
    },
  };
}

/** `role = aws_iam_role.x.name|id|arn` → `aws_iam_role.x`; a literal name → the folder role with that name. */
export function roleAddress(mi: ModuleIndex, b: Block, name: string): string | undefined {
  const a = attr(b, name);
  if (!a) return undefined;
  const v: Value = mi.evaluate(a.value);
  const tok = soleToken(v);
  if (tok?.resource?.startsWith('aws_iam_role.')) return tok.resource;
  const lit = knownString(v);
  if (lit) for (const r of mi.ofType('aws_iam_role')) {
    const n = attr(r.block, 'name');
    if (n && knownString(mi.evaluate(n.value)) === lit) return r.address;
  }
  return undefined;
}

export { UNKNOWN };
