/**
 * The `AWS::Lambda::Permission` resource a missing-permission fix inserts into a template, after
 * the trigger's resource, in the template's style.
 */
import type { SpanEdit } from '../../rules/rule';
import type { Trigger } from '../../model/wiring';
import { blockInfo } from './synth';
import { cfnValueText, freshId, insertResource, NO_EDIT } from './writer';

const SID: Record<string, string> = {
  apigateway: 'ApiGateway', s3: 'S3', sns: 'Sns', events: 'EventBridge', logs: 'Logs', elasticloadbalancing: 'Alb', 'cognito-idp': 'Cognito', iot: 'IoT',
};

/** `pairs` are the permission's attributes in core syntax (from `permissionBlockFor`). */
export function cfnPermissionEdit(t: Trigger, pairs: [string, string][], reserved: Set<string>): { edit: SpanEdit; name: string } | undefined {
  const info = blockInfo(t.resource.block);
  const r = info?.origin.get(t.resource.block);
  if (!info || !r || t.fn.k !== 'fn') return undefined;
  const get = (k: string): string | undefined => pairs.find(([n]) => n === k)?.[1];
  const q = get('qualifier');
  let fnText = get('function_name');
  if (q) {
    // the qualifier is part of FunctionName: the alias's ARN
    const m = /^(aws_lambda_alias\.[A-Za-z0-9]+)\.name$/.exec(q);
    if (!m) return undefined;
    fnText = `${m[1]}.arn`;
  }
  if (!fnText) return undefined;
  const fn = cfnValueText(info, fnText);
  if (!fn) return undefined;
  const props: [string, string][] = [['Action', info.format === 'json' ? '"lambda:InvokeFunction"' : 'lambda:InvokeFunction'], ['FunctionName', fn], ['Principal', info.format === 'json' ? JSON.stringify(t.principal) : t.principal]];
  const src = get('source_arn');
  if (src) {
    const v = cfnValueText(info, src);
    if (!v) return undefined;
    props.push(['SourceArn', v]);
  }
  if (t.service === 's3') props.push(['SourceAccount', cfnValueText(info, 'data.aws_caller_identity.current.account_id')!]);
  const name = freshId(info, `${t.fn.fn.name}${SID[t.service] ?? 'Invoke'}Permission`, reserved);
  const edit = insertResource(info, r, name, 'AWS::Lambda::Permission', props);
  return edit.newText.includes(NO_EDIT) ? undefined : { edit, name };
}

/** The companion `lambda:InvokeFunction` grant of a function URL permission (same function, principal, source), after it. */
export function cfnCompanionEdit(block: import('../../model/ast').Block): SpanEdit | undefined {
  const info = blockInfo(block);
  const r = info?.origin.get(block);
  if (!info || !r || info.generated.has(block) || r.props?.k !== 'map') return undefined;
  const props: [string, string][] = [['Action', info.format === 'json' ? '"lambda:InvokeFunction"' : 'lambda:InvokeFunction']];
  for (const k of ['FunctionName', 'Principal', 'SourceArn', 'SourceAccount', 'PrincipalOrgID']) {
    const e = r.props.entries.find((x) => x.key === k);
    if (!e) continue;
    const t = info.text.slice(e.value.span.start, e.value.span.end);
    if (/[\r\n]/.test(t)) return undefined; // a multi-line value: not copied
    props.push([k, t]);
  }
  props.push(['InvokedViaFunctionUrl', 'true']);
  return insertResource(info, r, freshId(info, `${r.id}InvokeFunction`, new Set()), 'AWS::Lambda::Permission', props);
}
