import { initParser } from '../server/src/core/parse/treesitter';
import { makeSourceFile } from '../server/src/core/source';
import { graphOfFiles } from '../server/src/core/graph';
import { ALIAS, FN, REST, restIntegration, perm, LOGS, S3 } from '../test/unit/rules/outage-fixtures';
const API = 'aws_api_gateway_rest_api.api';
const scen: Record<string, string> = {
  missing: FN + REST + restIntegration(),
  covered: FN + REST + restIntegration() + perm('api', 'apigateway.amazonaws.com', `"\${${API}.execution_arn}/*/*"`),
  source: FN + REST + restIntegration() + perm('api', 'apigateway.amazonaws.com', `${API}.execution_arn`),
  qualifier: FN + ALIAS + REST + restIntegration('aws_lambda_alias.live.invoke_arn') + perm('api', 'apigateway.amazonaws.com', `"\${${API}.execution_arn}/*/*"`),
  undecided: FN + REST + restIntegration() + perm('api', 'apigateway.amazonaws.com', 'var.api_arn'),
  module: FN + LOGS + `module "perms" {\n  source   = "./perms"\n  function = aws_lambda_function.orders.arn\n}\n`,
  s3logs: FN + S3 + LOGS + perm('s3', 's3.amazonaws.com', 'aws_s3_bucket.uploads.arn'),
};
(async () => {
  await initParser();
  for (const [k, t] of Object.entries(scen)) { console.log('== ' + k); console.log(JSON.stringify(graphOfFiles([makeSourceFile('main.tf', t)]))); }
})();
