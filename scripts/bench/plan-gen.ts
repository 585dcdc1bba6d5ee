/**
 * A generated `terraform show -json` plan (format 1.2, written from Terraform's "JSON Output Format"
 * page) of `units * 5` resource instances, for the plan benchmark. Deterministic.
 *
 * Each unit `k` is five `for_each` instances of the root module: `aws_iam_role.role[k]`,
 * `aws_lambda_function.fn[k]`, `aws_sns_topic.topic[k]`, `aws_sns_topic_subscription.sub[k]`
 * (protocol lambda, endpoint = the function's ARN) and `aws_lambda_permission.allow[k]`
 * (principal sns.amazonaws.com, source_arn = the topic's ARN). Every ARN is "known after apply",
 * so each one is rebuilt from `configuration` references with `each.key` bound to the instance key.
 * Every tenth unit has an `aws_cloudwatch_log_group.logs[k]` instead of its permission (its
 * subscription then has no permission: a missing-invoke-permission finding each).
 */
export function generatePlan(units: number): string {
  const keys = Array.from({ length: units }, (_, i) => `svc${String(i).padStart(4, '0')}`);
  const hasPerm = (i: number): boolean => i % 10 !== 9;
  const provider = 'registry.terraform.io/hashicorp/aws';
  const planned: unknown[] = [];
  const changes: unknown[] = [];
  const add = (type: string, name: string, key: string, after: Record<string, unknown>, unknown: Record<string, unknown>): void => {
    const address = `${type}.${name}["${key}"]`;
    planned.push({ address, mode: 'managed', type, name, index: key, provider_name: provider, schema_version: 0, values: after, sensitive_values: {} });
    changes.push({ address, mode: 'managed', type, name, index: key, provider_name: provider, change: { actions: ['create'], before: null, after, after_unknown: unknown, before_sensitive: false, after_sensitive: {} } });
  };
  keys.forEach((k, i) => {
    add('aws_iam_role', 'role', k, { name: `${k}-role`, assume_role_policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }), description: null, force_detach_policies: false, max_session_duration: 3600, path: '/', permissions_boundary: null, tags: null }, { arn: true, id: true, unique_id: true, create_date: true, tags_all: true, inline_policy: true, managed_policy_arns: true });
    add('aws_lambda_function', 'fn', k, { function_name: `${k}-handler`, handler: 'index.handler', runtime: 'nodejs20.x', filename: 'build.zip', memory_size: 128, timeout: 3, publish: false, description: null, kms_key_arn: null, layers: null, tags: null, environment: [], dead_letter_config: [], vpc_config: [], tracing_config: [] }, { arn: true, id: true, invoke_arn: true, qualified_arn: true, qualified_invoke_arn: true, role: true, version: true, last_modified: true, source_code_hash: true, source_code_size: true, tags_all: true, signing_job_arn: true, signing_profile_version_arn: true });
    add('aws_sns_topic', 'topic', k, { name: `${k}-events`, display_name: null, fifo_topic: false, policy: null, tags: null }, { arn: true, id: true, owner: true, tags_all: true, beginning_archive_time: true });
    add('aws_sns_topic_subscription', 'sub', k, { protocol: 'lambda', raw_message_delivery: false, filter_policy: null }, { arn: true, id: true, endpoint: true, topic_arn: true, owner_id: true, pending_confirmation: true, confirmation_was_authenticated: true });
    if (!hasPerm(i)) add('aws_cloudwatch_log_group', 'logs', k, { name: `/aws/lambda/${k}-handler`, retention_in_days: 14, kms_key_id: null, tags: null }, { arn: true, id: true, tags_all: true });
    else add('aws_lambda_permission', 'allow', k, { action: 'lambda:InvokeFunction', principal: 'sns.amazonaws.com', statement_id: 'AllowSNS', function_name: `${k}-handler`, event_source_token: null, function_url_auth_type: null, principal_org_id: null, qualifier: null, source_account: null }, { id: true, source_arn: true, statement_id_prefix: true });
  });
  const each = { references: ['var.services'] };
  const ref = (...r: string[]): { references: string[] } => ({ references: r });
  const conf = (type: string, name: string, expressions: Record<string, unknown>, forEach: unknown = each): unknown => ({ address: `${type}.${name}`, mode: 'managed', type, name, provider_config_key: 'aws', expressions, schema_version: 0, for_each_expression: forEach });
  const plan = {
    format_version: '1.2',
    terraform_version: '1.9.8',
    variables: { services: { value: Object.fromEntries(keys.map((k, i) => [k, { with_permission: hasPerm(i) }])) } },
    planned_values: { root_module: { resources: planned } },
    resource_changes: changes,
    configuration: {
      provider_config: { aws: { name: 'aws', full_name: provider, expressions: { region: { constant_value: 'eu-west-1' } } } },
      root_module: {
        resources: [
          conf('aws_iam_role', 'role', { name: ref('each.key'), assume_role_policy: { constant_value: '{}' } }),
          conf('aws_lambda_function', 'fn', { function_name: ref('each.key'), handler: { constant_value: 'index.handler' }, runtime: { constant_value: 'nodejs20.x' }, filename: { constant_value: 'build.zip' }, role: ref('aws_iam_role.role[each.key].arn', 'aws_iam_role.role[each.key]', 'aws_iam_role.role', 'each.key') }),
          conf('aws_sns_topic', 'topic', { name: ref('each.key') }),
          conf('aws_sns_topic_subscription', 'sub', { protocol: { constant_value: 'lambda' }, topic_arn: ref('aws_sns_topic.topic[each.key].arn', 'aws_sns_topic.topic[each.key]', 'aws_sns_topic.topic', 'each.key'), endpoint: ref('aws_lambda_function.fn[each.key].arn', 'aws_lambda_function.fn[each.key]', 'aws_lambda_function.fn', 'each.key') }),
          conf('aws_cloudwatch_log_group', 'logs', { name: ref('each.key'), retention_in_days: { constant_value: 14 } }),
          conf('aws_lambda_permission', 'allow', { action: { constant_value: 'lambda:InvokeFunction' }, principal: { constant_value: 'sns.amazonaws.com' }, statement_id: { constant_value: 'AllowSNS' }, function_name: ref('aws_lambda_function.fn[each.key].function_name', 'aws_lambda_function.fn[each.key]', 'aws_lambda_function.fn', 'each.key'), source_arn: ref('aws_sns_topic.topic[each.key].arn', 'aws_sns_topic.topic[each.key]', 'aws_sns_topic.topic', 'each.key') }, ref('var.services')),
        ],
        variables: { services: { description: 'services' } },
      },
    },
    timestamp: '2026-01-01T00:00:00Z',
    applyable: true, complete: true, errored: false,
  };
  return JSON.stringify(plan);
}
