/**
 * Precision on real code (corpus/real: 10 public repositories, almost all correct): the exposure
 * rules report exactly the real positives the corpus README names, and the rules that should
 * have nothing to say on correct code stay silent.
 */
import * as fs from 'fs';
import * as path from 'path';
import { assert, ready } from '../helpers';
import { analyzeModule } from '../../../server/src/core/analyze';
import { makeSourceFile } from '../../../server/src/core/source';
import type { Finding } from '../../../server/src/core/types';

const REAL = path.resolve(__dirname, '../../../../shared/corpus/real');

function folders(root: string): string[] {
  const out = new Set<string>();
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(tf|tf\.json|json|tfvars)$/.test(e.name)) out.add(d);
    }
  };
  walk(root);
  return [...out].sort();
}

describe('exposure rules on real code (corpus/real)', function () {
  this.timeout(180000);
  before(ready);

  const found: { rule: string; where: string; f: Finding }[] = [];
  before(() => {
    for (const d of folders(REAL)) {
      const files = fs.readdirSync(d).filter((n) => /\.(tf|tf\.json|json|tfvars)$/.test(n) && fs.statSync(path.join(d, n)).isFile())
        .map((n) => makeSourceFile(n, fs.readFileSync(path.join(d, n), 'utf8')));
      const errors: string[] = [];
      for (const f of analyzeModule(files, { onRuleError: (id, e) => errors.push(`${id}: ${e}`) })) {
        found.push({ rule: f.ruleId, where: `${path.relative(REAL, d)}/${f.file}:${f.range.start.line + 1}`, f });
      }
      assert.deepStrictEqual(errors, [], d);
    }
  });
  const where = (rule: string): string[] => found.filter((x) => x.rule === rule).map((x) => x.where);

  it('missing-source-arn: exactly the three API Gateway permissions of the websocket chat example', () => {
    const w = where('missing-source-arn');
    assert.strictEqual(w.length, 3, w.join('\n'));
    assert.ok(w.every((x) => x.startsWith('hashicorp__terraform-provider-aws/examples/api-gateway-websocket-chat-app/main.tf:')), w.join('\n'));
  });
  it('missing-event-source-token: exactly the Alexa example', () => {
    const w = where('missing-event-source-token');
    assert.strictEqual(w.length, 1, w.join('\n'));
    assert.ok(w[0].startsWith('hashicorp__terraform-provider-aws/examples/alexa/main.tf:'), w[0]);
  });
  it('no public principal, broad action, broad source ARN or every-Lambda-action policy in correct code', () => {
    for (const rule of ['public-invoke-principal', 'broad-permission-action', 'broad-source-arn', 'wildcard-lambda-action']) {
      assert.deepStrictEqual(where(rule), [], rule);
    }
  });
  it('bucket, topic and queue policies for service principals are not Lambda permissions', () => {
    // every service-principal finding of real/ is an aws_lambda_permission (terraform-aws-s3-bucket and
    // the eventbridge example hold many bucket/queue policies for services without aws:SourceArn)
    const services = found.filter((x) => ['missing-source-arn', 'missing-source-account'].includes(x.rule));
    assert.ok(services.length > 0);
    assert.deepStrictEqual(services.filter((x) => !/ \(aws_lambda_permission\.[^ ]+[ )]/.test(x.f.message)).map((x) => x.where), []);
  });
});
