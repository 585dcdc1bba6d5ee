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

describe('issue 13: .lpg.json entry by entry, and its JSON schema', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parseConfig, parseConfigEntries, configSchema, knownRuleIds, ConfigError } = require('../../../server/src/scan/config') as typeof import('../../../server/src/scan/config');
  const TEXT = '{"rules": {"missing-source-arn": "off", "no-such-rule": "off", "broad-source-arn": "fatal", "public-function-url": "error"}, "ignore": ["legacy/**", "../x", ""]}';
  it('a bad entry invalidates that entry only (editor), and every error is listed', () => {
    const r = parseConfigEntries(TEXT, '.lpg.json');
    assert.deepStrictEqual(r.config, { rules: { 'missing-source-arn': 'off', 'public-function-url': 'error' }, ignore: ['legacy/**'] });
    assert.strictEqual(r.errors.length, 4);
    assert.match(r.errors[0], /^unknown rule id "no-such-rule"/);
    assert.match(r.errors[1], /^rule "broad-source-arn": severity must be/);
    assert.match(r.errors[2], /^ignore glob "\.\.\/x" reaches outside the scanned root/);
    assert.match(r.errors[3], /^"ignore" entries must be non-empty glob strings, not ""/);
  });
  it('the CLI (strict) still refuses the file, naming every error', () => {
    assert.throws(() => parseConfig(TEXT, '/x/.lpg.json'), (e: unknown) => e instanceof ConfigError && e.message.startsWith('/x/.lpg.json: unknown rule id "no-such-rule"') && e.message.includes('; rule "broad-source-arn"') && e.message.includes('; ignore glob "../x"') && e.message.includes('; "ignore" entries must be'));
  });
  it('the schema knows every rule id and the severities, and rejects the globs the parser rejects', () => {
    const s = configSchema() as { properties: { rules: { properties: Record<string, { enum: string[] }> }; ignore: { items: { not: { pattern: string } } } } };
    assert.deepStrictEqual(Object.keys(s.properties.rules.properties), knownRuleIds().sort());
    for (const p of Object.values(s.properties.rules.properties)) assert.deepStrictEqual(p.enum, ['off', 'info', 'warning', 'error']);
    const bad = new RegExp(s.properties.ignore.items.not.pattern);
    for (const g of ['../x', 'a/../b', '/etc/**', '!/etc', 'C:/x', 'legacy/**', '!keep/*.json', 'a..b/*']) {
      assert.strictEqual(bad.test(g), parseConfigEntries(JSON.stringify({ ignore: [g] })).errors.length > 0, g);
    }
  });
  it('the schema file is contributed and up to date (npm run docs:rules writes it)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fs = require('fs') as typeof import('fs');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { SCHEMA_FILE, expectedSchema } = require('../../../scripts/rule-docs') as typeof import('../../../scripts/rule-docs');
    assert.strictEqual(fs.readFileSync(SCHEMA_FILE, 'utf8'), expectedSchema());
    const pkg = JSON.parse(fs.readFileSync(require.resolve('../../../package.json'), 'utf8'));
    assert.deepStrictEqual(pkg.contributes.jsonValidation, [{ fileMatch: '.lpg.json', url: './schemas/lpg.schema.json' }]);
    assert.ok(fs.readFileSync(require.resolve('../../../.vscodeignore'), 'utf8').includes('!schemas/lpg.schema.json'));
  });
});

describe('issue 13: settings are found by searching "Lambda Permission Guard" or "lambda"', () => {
  it('the configuration title and every setting\'s description name the extension', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fs = require('fs') as typeof import('fs');
    const pkg = JSON.parse(fs.readFileSync(require.resolve('../../../package.json'), 'utf8'));
    const cfg = pkg.contributes.configuration;
    assert.strictEqual(cfg.title, 'Lambda Permission Guard');
    for (const [k, v] of Object.entries(cfg.properties as Record<string, { markdownDescription?: string; description?: string }>)) {
      assert.match(v.markdownDescription ?? v.description ?? '', /Lambda Permission Guard/, k);
    }
  });
});
