/** Lambda IAM actions, for the identity-policy rules. */

/** Actions whose resource is a function (or its alias / version). */
export const FUNCTION_ACTIONS = [
  'InvokeFunction', 'InvokeFunctionUrl', 'InvokeAsync', 'GetFunction', 'GetFunctionConfiguration', 'GetFunctionUrlConfig',
  'GetPolicy', 'GetAlias', 'ListAliases', 'ListVersionsByFunction', 'ListTags', 'ListFunctionUrlConfigs',
  'ListProvisionedConcurrencyConfigs', 'ListFunctionEventInvokeConfigs', 'UpdateFunctionCode', 'UpdateFunctionConfiguration',
  'DeleteFunction', 'CreateFunction', 'PublishVersion', 'CreateAlias', 'UpdateAlias', 'DeleteAlias', 'AddPermission',
  'RemovePermission', 'PutFunctionConcurrency', 'DeleteFunctionConcurrency', 'GetFunctionConcurrency', 'TagResource',
  'UntagResource', 'PutProvisionedConcurrencyConfig', 'GetProvisionedConcurrencyConfig', 'DeleteProvisionedConcurrencyConfig',
  'CreateFunctionUrlConfig', 'UpdateFunctionUrlConfig', 'DeleteFunctionUrlConfig', 'GetFunctionEventInvokeConfig',
  'PutFunctionEventInvokeConfig', 'UpdateFunctionEventInvokeConfig', 'DeleteFunctionEventInvokeConfig', 'EnableReplication',
  'DisableReplication', 'GetFunctionCodeSigningConfig', 'PutFunctionCodeSigningConfig', 'DeleteFunctionCodeSigningConfig',
  'GetRuntimeManagementConfig', 'PutRuntimeManagementConfig', 'GetFunctionRecursionConfig', 'PutFunctionRecursionConfig',
];

/** `lambda:*` (any case) or `*`: every Lambda action. */
export function isAllLambda(action: string): boolean {
  return action === '*' || /^lambda:\*$/i.test(action);
}

function patternRe(p: string): RegExp {
  return new RegExp('^' + p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 'i');
}

/** Does this action (or action pattern) grant some action on a function? */
export function grantsFunctionAction(action: string): boolean {
  if (action === '*') return true;
  const m = /^lambda:(.*)$/i.exec(action);
  if (!m) return false;
  const re = patternRe(m[1]);
  return FUNCTION_ACTIONS.some((a) => re.test(a));
}

/** Does this action pattern grant invoking? */
export function grantsInvoke(action: string): boolean {
  if (action === '*') return true;
  const m = /^lambda:(.*)$/i.exec(action);
  if (!m) return false;
  const re = patternRe(m[1]);
  return ['InvokeFunction', 'InvokeAsync', 'InvokeFunctionUrl'].some((a) => re.test(a));
}

/** Does a NotAction list exclude (at least part of) Lambda? */
export function notActionExcludesLambda(items: string[]): boolean {
  return items.some((a) => a === '*' || /^lambda:/i.test(a) || /^lambda\*/i.test(a) || a === '*:*');
}
