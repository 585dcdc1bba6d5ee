/** Issue 13, UX of findings: a fix never brings back a finding the user suppressed on its source. */
import { analyze, applyFix, assert, only, ready } from '../helpers';
import { FN } from '../rules/outage-fixtures';

const RULE = 'function-url-missing-invoke-function';
const URL = `resource "aws_lambda_function_url" "orders" {
  function_name      = aws_lambda_function.orders.function_name
  authorization_type = "NONE"
}
`;
const grant = (comment: string, inside = ''): string => `${comment}resource "aws_lambda_permission" "url" {
${inside}  statement_id           = "FunctionURLAllowPublicAccess"
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = aws_lambda_function.orders.function_name
  principal              = "*"
  function_url_auth_type = "NONE"
}
`;

describe('issue 13: the function-URL fix copies the lpg-ignore it depends on', () => {
  before(ready);
  for (const [name, above, inside] of [
    ['a comment above the grant', '# lpg-ignore: public-function-url -- public website\n', ''],
    ['a comment on the grant\'s first line', '', '  # lpg-ignore: public-function-url -- public website\n'],
  ] as const) {
    it(`${name}: the companion carries it, and no public-function-url appears on it`, () => {
      const files = { 'main.tf': FN + URL + grant(above, inside) };
      assert.deepStrictEqual(only(analyze(files), 'public-function-url').map((f) => f.range.start.line), [9]); // the URL's authorization_type (not suppressed)
      const f = only(analyze(files), RULE)[0];
      const fixed = applyFix(files, f.fixes.find((x) => x.preferred)!);
      const comment = '# lpg-ignore: public-function-url -- public website';
      assert.strictEqual(fixed['main.tf'].split(comment).length - 1, 2, fixed['main.tf']);
      assert.deepStrictEqual(only(analyze(fixed), RULE), []);
      assert.deepStrictEqual(only(analyze(fixed), 'public-function-url').map((x) => x.range.start.line), [9]);
    });
  }
  it('other comments are not copied', () => {
    const files = { 'main.tf': FN + URL + grant('# the public grant\n') };
    const fixed = applyFix(files, only(analyze(files), RULE)[0].fixes.find((x) => x.preferred)!);
    assert.strictEqual(fixed['main.tf'].split('# the public grant').length - 1, 1);
  });
});

describe('issue 13: summary counts with overlapping targets', function () {
  this.timeout(120_000);
  it('a folder and a file (and a subfolder) of it: every file and module counted once', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { lpg, ensureBuilt } = require('../cli/run') as typeof import('../cli/run');
    ensureBuilt();
    const one = JSON.parse(lpg(['scan', 'examples', '--format', 'json']).stdout);
    const both = JSON.parse(lpg(['scan', 'examples', 'examples/lambda.tf', 'examples', '--format', 'json']).stdout);
    assert.deepStrictEqual(both.summary, one.summary);
    assert.strictEqual(one.summary.files, 4);
    assert.strictEqual(one.summary.modules, 1);
  });
});
