import type { Rule } from './rule';
import { parseError } from './parse-error';
import { missingSourceArn } from './missing-source-arn';
import { missingSourceAccount } from './missing-source-account';
import { missingEventSourceToken } from './missing-event-source-token';
import { publicInvokePrincipal } from './public-invoke-principal';
import { publicFunctionUrl } from './public-function-url';
import { broadPermissionAction } from './broad-permission-action';
import { broadSourceArn } from './broad-source-arn';
import { wildcardLambdaAction } from './wildcard-lambda-action';
import { wildcardLambdaResource } from './wildcard-lambda-resource';
import { missingInvokePermission } from './missing-invoke-permission';
import { sourceArnMismatch } from './source-arn-mismatch';
import { qualifierMismatch } from './qualifier-mismatch';
import { credentialsRoleCannotInvoke } from './credentials-role-cannot-invoke';
import { functionUrlMissingInvokeFunction } from './function-url-missing-invoke-function';
import { notificationBeforePermission } from './notification-before-permission';

/** Every rule, in reporting order. */
export const allRules: Rule[] = [
  missingSourceArn,
  missingSourceAccount,
  missingEventSourceToken,
  publicInvokePrincipal,
  publicFunctionUrl,
  broadPermissionAction,
  broadSourceArn,
  wildcardLambdaAction,
  wildcardLambdaResource,
  missingInvokePermission,
  sourceArnMismatch,
  qualifierMismatch,
  credentialsRoleCannotInvoke,
  functionUrlMissingInvokeFunction,
  notificationBeforePermission,
  parseError,
];

export function ruleById(id: string): Rule | undefined {
  return allRules.find((r) => r.meta.id === id);
}
