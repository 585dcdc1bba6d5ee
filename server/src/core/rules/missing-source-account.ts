import type { FixSpec, Rule, SpanEdit } from './rule';
import { attr } from '../model/ast';
import type { Permission } from '../model/facts';
import { insertAttribute } from '../fix/edits';
import { holderOf, permFnNames } from './names';
import { addCallerIdentity, callerIdentity, fileOf, jsonAddCondition, lambdaPermissions, present, principalOf, snippetFor } from './common';

/** Principals whose source ARN carries no account id. */
const NEEDS_ACCOUNT = new Set(['s3.amazonaws.com', 'ses.amazonaws.com']);

function needsAccount(p: Permission): boolean {
  const pr = principalOf(p);
  return !!pr && NEEDS_ACCOUNT.has(pr) && !present(p.sourceAccount);
}

export const missingSourceAccount: Rule = {
  meta: {
    id: 'missing-source-account',
    severity: 'info',
    kind: 'exposure',
    title: 'An S3 or SES permission has no source_account (bucket ARNs carry no account id).',
    docs: `A permission for \`s3.amazonaws.com\` or \`ses.amazonaws.com\` without \`source_account\` (JSON: an
\`AWS:SourceAccount\` condition). Bucket ARNs carry no account id: if the bucket is deleted, a
bucket of the same name in another account matches \`source_arn\` and can invoke the function.
(AWS Security Hub Lambda.1, cfn-lint W3663.)

Fix: insert \`source_account = data.aws_caller_identity.current.account_id\`, adding
\`data "aws_caller_identity" "current" {}\` when the folder has none (a preferred fix).`,
  },
  check(ctx) {
    const perms = lambdaPermissions(ctx.facts).filter(needsAccount);
    // One place for the data source, the same edit in every fix: applying all fixes adds it once.
    const existing = callerIdentity(ctx.module);
    // a data source behind count / for_each has no single reference to offer
    const existingMulti = !!existing && !!ctx.module.data.get(existing)?.multi;
    const host = perms.find((p) => p.origin === 'tf' && p.resource && (p.resource.file.kind === 'tf' || p.resource.file.kind === 'tfjson'));
    let dataEdit: SpanEdit | undefined;
    if (!existing && host?.resource) dataEdit = addCallerIdentity(host.resource.file, host.resource.block);
    const ref = existing ? `${existing}.account_id` : 'data.aws_caller_identity.current.account_id';
    for (const p of perms) {
      const principal = principalOf(p)!;
      const field = p.principal!;
      const fixes: FixSpec[] = [];
      const fn = permFnNames(ctx.facts, p);
      const what = principal === 's3.amazonaws.com' ? 'a bucket' : 'a resource';
      if (p.origin === 'tf' && p.resource) {
        const file = p.resource.file;
        const b = p.resource.block;
        const edits = insertAttribute(file, b, 'source_account', { hcl: ref, json: JSON.stringify('${' + ref + '}') }, attr(b, 'source_arn') ?? attr(b, 'principal'));
        if ((existing && !existingMulti) || dataEdit) fixes.push({ title: `Add source_account = ${ref}`, preferred: true, edits: dataEdit ? [...edits, dataEdit] : edits });
        ctx.report({
          file: field.file, span: field.span,
          message: `No source_account: ${what} of the same name in another account could invoke ${fn.name} (aws_lambda_permission.${p.resource.name}${fn.addr ? ` on ${fn.addr}` : ''}). It lets ${principal} invoke the function without naming the account.`,
          fixes, suppressTarget: field.file === p.file ? b.span : undefined,
        });
      } else if (p.statement) {
        const file = fileOf(ctx, p.statement.file);
        const edit = file && jsonAddCondition(file, p.statement, 'StringEquals', 'AWS:SourceAccount', '"123456789012"');
        if (edit) fixes.push({ title: 'Add an AWS:SourceAccount condition', preferred: false, edits: [edit], snippet: snippetFor(edit, '"123456789012"', '"${1:123456789012}"') });
        ctx.report({ file: field.file, span: field.span, message: `No AWS:SourceAccount condition: ${what} of the same name in another account could invoke ${fn.name} (the statement in ${holderOf(p.statement.doc)}${fn.addr ? ` on ${fn.addr}` : ''}). It lets ${principal} invoke the function without naming the account.`, fixes });
      }
    }
  },
};
