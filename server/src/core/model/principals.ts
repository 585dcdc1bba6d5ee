/** AWS service principals, their source-ARN formats, and ARN parsing. */

export function isServicePrincipal(p: string): boolean {
  return /^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/.test(p);
}
export function isAlexaPrincipal(p: string): boolean {
  return p === 'alexa-appkit.amazon.com' || p === 'alexa-connectedhome.amazon.com';
}
/** `logs.eu-west-1.amazonaws.com` -> `logs`; `lambda.alarms.cloudwatch.amazonaws.com` -> `lambda.alarms.cloudwatch`. */
export function serviceOf(principal: string): string {
  const s = principal.replace(/\.amazonaws\.com(\.cn)?$/, '');
  const m = /^([a-z0-9-]+)\.[a-z]{2}(-gov)?-[a-z]+-\d$/.exec(s);
  return m ? m[1] : s;
}

/** Source-ARN format (snippet with tab stops) for a service principal; undefined when unknown. */
export const SOURCE_ARN_FORMATS: Record<string, string> = {
  apigateway: 'arn:aws:execute-api:${1:region}:${2:account}:${3:api-id}/${4:*}/${5:*}',
  s3: 'arn:aws:s3:::${1:bucket}',
  sns: 'arn:aws:sns:${1:region}:${2:account}:${3:topic}',
  events: 'arn:aws:events:${1:region}:${2:account}:rule/${3:rule}',
  logs: 'arn:aws:logs:${1:region}:${2:account}:log-group:${3:name}:*',
  'cognito-idp': 'arn:aws:cognito-idp:${1:region}:${2:account}:userpool/${3:id}',
  iot: 'arn:aws:iot:${1:region}:${2:account}:rule/${3:name}',
  elasticloadbalancing: 'arn:aws:elasticloadbalancing:${1:region}:${2:account}:targetgroup/${3:name}/${4:id}',
  'lambda.alarms.cloudwatch': 'arn:aws:cloudwatch:${1:region}:${2:account}:alarm:${3:name}',
  cloudfront: 'arn:aws:cloudfront::${1:account}:distribution/${2:id}',
  scheduler: 'arn:aws:scheduler:${1:region}:${2:account}:schedule/${3:group}/${4:name}',
  sqs: 'arn:aws:sqs:${1:region}:${2:account}:${3:queue}',
  secretsmanager: 'arn:aws:secretsmanager:${1:region}:${2:account}:secret:${3:name}',
  'config': 'arn:aws:config:${1:region}:${2:account}:config-rule/${3:id}',
};

/** Snippet tab stops removed: `arn:aws:s3:::${1:bucket}` -> `arn:aws:s3:::bucket`. */
export function snippetToText(snippet: string): string {
  return snippet.replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\d+/g, '');
}

export interface ParsedArn { partition: string; service: string; region: string; account: string; resource: string }

/** Splits a literal ARN (or ARN pattern) into its components; undefined if it is not an ARN. */
export function parseArn(s: string): ParsedArn | undefined {
  const m = /^arn:([^:]*):([^:]*):([^:]*):([^:]*):(.*)$/s.exec(s);
  if (!m) return undefined;
  return { partition: m[1], service: m[2], region: m[3], account: m[4], resource: m[5] };
}
export const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov'];
