import type { FixSpec, Rule } from './rule';
import { coverage, wiringOf, type Trigger } from '../model/wiring';
import type { Permission } from '../model/facts';
import { blockInfo, collectRefs, type CfnInfo, type CfnResource } from '../frontends/cfn/synth';
import { entry } from '../frontends/cfn/parse';
import { addDependsOn, bucketArnSub, styleOf } from '../frontends/cfn/writer';

/** Logical ids `id` depends on: `DependsOn` and the implicit dependencies of `Ref`/`GetAtt`/`Sub`, through chains. */
export function dependsOnClosure(info: CfnInfo, id: string): Set<string> {
  const out = new Set<string>();
  const todo = [id];
  while (todo.length) {
    const r = info.resources.get(todo.pop()!);
    if (!r) continue;
    for (const d of [...r.dependsOn, ...r.refs]) if (!out.has(d)) { out.add(d); todo.push(d); }
  }
  return out;
}

/** The permission's `SourceArn` written from the bucket's `BucketName` (no reference to the bucket). */
function sourceArnFromName(info: CfnInfo, bucket: CfnResource): string | undefined {
  const sub = bucketArnSub(info, bucket);
  if (!sub) return undefined;
  return styleOf(info).short ? `!Sub ${JSON.stringify(sub)}` : `{"Fn::Sub": ${JSON.stringify(sub)}}`;
}

export const notificationBeforePermission: Rule = {
  meta: {
    id: 'notification-before-permission',
    severity: 'error',
    kind: 'outage',
    title: 'An S3 bucket notification targets a function before its permission exists: stack creation fails (CloudFormation).',
    docs: `CloudFormation only. An \`AWS::S3::Bucket\` whose \`NotificationConfiguration.LambdaConfigurations\`
targets a function must be created **after** the \`AWS::Lambda::Permission\` that lets \`s3.amazonaws.com\`
invoke it: S3 validates the destination when the bucket is created, and without the permission the
stack fails with "Unable to validate the following destination configurations". CloudFormation
orders resources only by \`DependsOn\` (directly or through a chain) and by the implicit dependencies
of \`Ref\`, \`Fn::GetAtt\` and \`Fn::Sub\`; a bucket that does not depend on the permission may be
created first. The rule also reports the circular shape: the bucket depends on the permission while
the permission's \`SourceArn\` refers to the bucket (\`!GetAtt Bucket.Arn\`, \`!Ref Bucket\`), which
CloudFormation rejects as a circular dependency.

\`\`\`yaml
Resources:
  Uploads:
    Type: AWS::S3::Bucket          # reported: no DependsOn: UploadsPermission
    Properties:
      NotificationConfiguration:
        LambdaConfigurations:
          - Event: s3:ObjectCreated:*
            Function: !GetAtt Resize.Arn
  UploadsPermission:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref Resize
      Principal: s3.amazonaws.com
      SourceAccount: !Ref AWS::AccountId
\`\`\`

Reported on the \`Function\` of the \`LambdaConfigurations\` entry. SAM \`S3\` events are not reported:
SAM adds the \`DependsOn\` itself. Nothing is reported when no permission of the template covers the
notification (that is \`missing-invoke-permission\`) or when coverage is unknown.

Fix: add \`DependsOn: <Permission>\` to the bucket (a preferred fix when one permission covers the
notification). For the circular shape, and when adding \`DependsOn\` would create it, the fix also
writes the permission's \`SourceArn\` from the bucket's \`BucketName\` (\`!Sub "arn:\${AWS::Partition}:s3:::\${BucketName}"\`)
instead of a reference; without a \`BucketName\` there is no fix (give the bucket a name).`,
  },
  check(ctx) {
    const w = wiringOf(ctx.facts);
    for (const t of w.triggers) {
      if (t.kind !== 's3' || t.fn.k !== 'fn') continue;
      const info = blockInfo(t.resource.block);
      const bucket = info?.origin.get(t.resource.block);
      if (!info || !bucket || info.generated.has(t.resource.block) || bucket.type !== 'AWS::S3::Bucket') continue;
      // the permissions that may be the one S3 needs (a definite or an undecided match): the bucket must come after
      // whichever it is, so it must depend on one of them; none of them means missing-invoke-permission instead
      const covering: Permission[] = [];
      for (const p of w.permsOn(t.fn.fn)) if (coverage(w, p, t).all !== 'no-match') covering.push(p);
      if (!covering.length) continue;
      const perms: CfnResource[] = [];
      for (const p of covering) {
        const pb = p.resource?.block;
        const r = pb && blockInfo(pb) === info && !info.generated.has(pb) ? info.origin.get(pb) : undefined;
        if (!r) { perms.length = 0; break; }
        perms.push(r);
      }
      if (!perms.length) continue;
      const deps = dependsOnClosure(info, bucket.id);
      const ordered = perms.filter((p) => deps.has(p.id));
      const cyclic = (p: CfnResource): boolean => dependsOnClosure(info, p.id).has(bucket.id);
      const good = ordered.filter((p) => !cyclic(p));
      if (good.length) continue;
      report(ctx, t, info, bucket, ordered.length ? ordered : perms, ordered.length > 0, cyclic);
    }
  },
};

function report(ctx: Parameters<Rule['check']>[0], t: Trigger, info: CfnInfo, bucket: CfnResource, perms: CfnResource[], circular: boolean, cyclic: (p: CfnResource) => boolean): void {
  const fixes: FixSpec[] = [];
  for (const p of perms) {
    const edits = [];
    if (!circular) { const e = addDependsOn(info, bucket, p.id); if (!e) continue; edits.push(e); }
    if (cyclic(p)) {
      const src = entry(p.props, 'SourceArn');
      const v = sourceArnFromName(info, bucket);
      // only the permission's SourceArn may refer to the bucket for this to break the cycle
      const other = new Set<string>();
      for (const e of p.props?.k === 'map' ? p.props.entries : []) if (e.key !== 'SourceArn') collectRefs(e.value, other);
      if (!src || !v || other.has(bucket.id) || p.dependsOn.includes(bucket.id)) continue;
      edits.push({ file: info.path, start: src.value.span.start, end: src.value.span.end, newText: v });
    }
    fixes.push({
      title: circular ? `Write ${p.id}'s SourceArn from the bucket name (no reference to ${bucket.id})` : `Add DependsOn: ${p.id} to ${bucket.id}${edits.length > 1 ? ` and write ${p.id}'s SourceArn from the bucket name` : ''}`,
      preferred: perms.length === 1,
      edits,
    });
  }
  const names = perms.map((p) => p.id).join(', ');
  ctx.report({
    file: t.fnField.file, span: t.fnField.span,
    message: circular
      ? `Circular dependency between AWS::S3::Bucket ${bucket.id} and ${names}: the bucket depends on ${names} while its SourceArn refers to the bucket, and CloudFormation rejects the circular dependency.`
      : `AWS::S3::Bucket ${bucket.id} may be created before ${names}: it does not depend on ${names}, so CloudFormation may create the bucket first, and stack creation fails with "Unable to validate the following destination configurations".`,
    fixes,
    related: perms.map((p) => ({ file: info.path, span: p.entry.keySpan, message: `permission ${p.id}` })),
    suppressTarget: bucket.entry.span,
  });
}
