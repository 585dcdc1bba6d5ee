/**
 * Findings on templates name CloudFormation things: the rules speak of the synthetic model
 * (`aws_lambda_permission.P`, `source_arn`), and this maps their text to the template's terms
 * (`AWS::Lambda::Permission P`, `SourceArn`, `!GetAtt Bucket.Arn`).
 */
import type { Finding } from '../../types';
import type { CfnInfo } from './synth';
import { cfnValueTitle } from './writer';
import { COGNITO } from './synth';

const COGNITO_BACK = new Map(Object.entries(COGNITO).map(([k, v]) => [v, k]));

const WORDS: [RegExp, string][] = [
  [/\baws_lambda_permission\b/g, 'AWS::Lambda::Permission'],
  [/\baws_lambda_function_url\b/g, 'AWS::Lambda::Url'],
  [/\baws_lambda_function\b/g, 'AWS::Lambda::Function'],
  [/\baws_iam_role_policy\b/g, 'AWS::IAM::Policy'],
  [/\bsource_arn\b/g, 'SourceArn'],
  [/\bsource_account\b/g, 'SourceAccount'],
  [/\bprincipal_org_id\b/g, 'PrincipalOrgID'],
  [/\bevent_source_token\b/g, 'EventSourceToken'],
  [/\bfunction_url_auth_type\b/g, 'FunctionUrlAuthType'],
  [/\binvoked_via_function_url\b/g, 'InvokedViaFunctionUrl'],
  [/\bauthorization_type\b/g, 'AuthType'],
  [/\bfunction_name\b/g, 'FunctionName'],
  [/\bstatement_id\b/g, 'logical id'],
  [/^Set qualifier = /, 'Set FunctionName to '],
];

/** Rewrites one text of a finding on a template. */
export function relabel(info: CfnInfo, text: string): string {
  let s = text;
  // values written as core expressions: `"${aws_x.Y.attr}/*/*"` and `aws_x.Y.attr`
  s = s.replace(/"(?:[^"\\]|\\.)*\$\{[^"]*"/g, (m) => cfnValueTitle(info, m) ?? m);
  s = s.replace(/\b(?:data\.)?aws_[a-z0-9_]+\.[A-Za-z0-9_]+\.[a-z_]+\b/g, (m) => {
    const v = cfnValueTitle(info, m);
    if (v) return v;
    const addr = m.slice(0, m.lastIndexOf('.'));
    return info.labels.get(addr) ?? m;
  });
  s = s.replace(/\b(aws_[a-z0-9_]+)\.([A-Za-z0-9_]+)\b/g, (m) => info.labels.get(m) ?? m);
  for (const [re, to] of WORDS) s = s.replace(re, to);
  s = s.replace(/\bthe ([a-z_]+) trigger of\b/g, (m, name: string) => (COGNITO_BACK.has(name) ? `the ${COGNITO_BACK.get(name)} trigger of` : m));
  s = s.replace(/(SourceArn|SourceAccount|PrincipalOrgID|EventSourceToken|AuthType|FunctionUrlAuthType) = /g, '$1: ');
  return s;
}

export function relabelFinding(info: CfnInfo, f: Finding): Finding {
  return {
    ...f,
    message: relabel(info, f.message),
    fixes: f.fixes.map((x) => ({ ...x, title: relabel(info, x.title) })),
    related: f.related.map((r) => ({ ...r, message: relabel(info, r.message) })),
  };
}
