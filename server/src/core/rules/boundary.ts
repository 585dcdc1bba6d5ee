/**
 * Permissions boundaries: an `aws_iam_policy` set as `permissions_boundary` of a role or user, or
 * named by an `iam:PermissionsBoundary` condition, caps what the principal may do and grants
 * nothing by itself. The wildcard rules report such a policy at most as `info`, saying so.
 */
import { attr } from '../model/ast';
import type { Facts } from '../model/facts';
import type { PolicyDoc } from '../model/policy';
import { knownString, type Value } from '../model/value';

const ATTACHERS: Record<string, string[]> = {
  aws_iam_role_policy_attachment: ['policy_arn'],
  aws_iam_user_policy_attachment: ['policy_arn'],
  aws_iam_group_policy_attachment: ['policy_arn'],
  aws_iam_policy_attachment: ['policy_arn'],
  aws_iam_role: ['managed_policy_arns'],
  aws_iam_user: [],
};

/** Addresses of the folder's `aws_iam_policy` resources a value names (references, or literal `:policy/<name>` ARNs). */
function policiesNamed(facts: Facts, v: Value | undefined, out: Set<string>): void {
  if (!v) return;
  if (v.k === 'list') { for (const i of v.items) policiesNamed(facts, i, out); return; }
  if (v.k !== 'str') return;
  for (const p of v.parts) if (typeof p !== 'string' && p.resource?.startsWith('aws_iam_policy.')) out.add(p.resource);
  const lit = knownString(v);
  const m = lit ? /:policy\/(?:.*\/)?([^/]+)$/.exec(lit) : null;
  if (m) for (const r of facts.module.ofType('aws_iam_policy')) {
    if (!r.multi && knownString(facts.module.evaluate(attr(r.block, 'name')?.value)) === m[1]) out.add(r.address);
  }
}

const CACHE = new WeakMap<Facts, Map<PolicyDoc, string>>();

/** Documents of policies used only as permissions boundaries, with the policy's address. */
export function boundaryDocs(facts: Facts): Map<PolicyDoc, string> {
  const hit = CACHE.get(facts);
  if (hit) return hit;
  const mi = facts.module;
  const bounds = new Set<string>();
  for (const type of ['aws_iam_role', 'aws_iam_user']) for (const r of mi.ofType(type)) {
    const a = attr(r.block, 'permissions_boundary');
    if (a) policiesNamed(facts, mi.evaluate(a.value), bounds);
  }
  for (const d of facts.policies) for (const s of d.statements) for (const c of s.conditions) {
    if (c.key.toLowerCase() === 'iam:permissionsboundary') for (const f of c.values) policiesNamed(facts, f.value, bounds);
  }
  const out = new Map<PolicyDoc, string>();
  if (bounds.size) {
    const attached = new Set<string>();
    for (const [type, attrs] of Object.entries(ATTACHERS)) for (const r of mi.ofType(type)) for (const n of attrs) {
      const a = attr(r.block, n);
      if (a) policiesNamed(facts, mi.evaluate(a.value), attached);
    }
    for (const addr of bounds) {
      if (attached.has(addr)) continue;
      // handed to a module: its use there is unknown
      const re = new RegExp('\\b' + addr.replace(/\./g, '\\.') + '\\b');
      if ([...mi.modules.values()].some((m) => re.test(m.file.text.slice(m.value.bodyStart, m.value.bodyEnd)))) continue;
      for (const d of facts.docsOf(addr)) out.set(d, addr);
    }
  }
  CACHE.set(facts, out);
  return out;
}

/** The message tail of a finding in a boundary policy. */
export function boundaryNote(policy: string): string {
  return ` ${policy} is a permissions boundary: it grants nothing by itself, it caps what the role's own policies can grant.`;
}
