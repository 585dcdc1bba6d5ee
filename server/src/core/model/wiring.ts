/**
 * Folder-wide index of what invokes which Lambda function (triggers -> function, alias, principal,
 * source ARN of the invoker). Implemented with the outage rules; the exposure rules use it to infer
 * the exact `source_arn` of a permission's one invoker.
 */
import type { Facts, Permission } from './facts';

export interface InvokerExpr {
  /** Terraform expression text of the invoker's source ARN, e.g. `"${aws_api_gateway_rest_api.api.execution_arn}/*\/*"`. */
  hcl: string;
  /** The same for Terraform JSON / JSON policies, e.g. `${aws_api_gateway_rest_api.api.execution_arn}/*\/*`. */
  json: string;
  /** Human description of the invoker, e.g. `aws_api_gateway_rest_api.api`. */
  invoker: string;
}

/** The one invoker of this permission's service wired to its function in the folder, if exactly one. */
export function soleInvokerFor(_facts: Facts, _perm: Permission): InvokerExpr | undefined {
  return undefined;
}
