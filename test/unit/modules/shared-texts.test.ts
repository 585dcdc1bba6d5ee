/**
 * Identical `.tf` texts in several folders are parsed and modelled once per scan (core/textmodels.ts);
 * a configuration holding two such folders still evaluates each with its own caller's arguments.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { assert, ready } from '../helpers';
import { scan } from '../../../server/src/scan';
import { TextModels } from '../../../server/src/core/textmodels';
import { makeSourceFile } from '../../../server/src/core/source';

const CHILD = `variable "principal" {}

resource "aws_lambda_function" "f" {
  function_name = "f"
  role          = "arn:aws:iam::123456789012:role/r"
}

resource "aws_lambda_permission" "p" {
  statement_id  = "p"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.f.function_name
  principal     = var.principal
}
`;

const ROOT = `module "a" {
  source    = "./a"
  principal = "123456789012"
}

module "b" {
  source    = "./b"
  principal = "*"
}
`;

describe('modules: identical texts in several folders', () => {
  before(ready);
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpg-shared-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('TextModels: an announced text is modelled once and shared; a text announced once is not kept', () => {
    const m = new TextModels();
    m.expect('a/main.tf', CHILD);
    m.expect('b/main.tf', CHILD);
    m.expect('main.tf', ROOT);
    const a = m.make('a/main.tf', CHILD), b = m.make('b/main.tf', CHILD);
    assert.strictEqual(a.syntax, b.syntax);
    assert.strictEqual(a.lines, b.lines);
    assert.strictEqual(m.reused, 1);
    assert.deepStrictEqual({ ...b, lines: undefined }, { ...makeSourceFile('b/main.tf', CHILD), lines: undefined });
    // the last announced use dropped the model: a later make builds a new one
    const c = m.make('c/main.tf', CHILD);
    assert.notStrictEqual(c.syntax, a.syntax);
    assert.deepStrictEqual(c.syntax, a.syntax);
    assert.strictEqual(m.reused, 1);
    // only .tf files are shared
    const v1 = m.make('x.tfvars', 'a = 1\n'), v2 = m.make('y.tfvars', 'a = 1\n');
    assert.notStrictEqual(v1.syntax, v2.syntax);
  });

  it('two folders of one configuration with the same text: each instance is evaluated with its own arguments', async () => {
    fs.writeFileSync(path.join(dir, 'main.tf'), ROOT);
    for (const d of ['a', 'b']) { fs.mkdirSync(path.join(dir, d)); fs.writeFileSync(path.join(dir, d, 'main.tf'), CHILD); }
    const r = await scan(dir);
    const got = r.findings.filter((f) => f.ruleId === 'public-invoke-principal').map((f) => `${f.file}:${f.range.start.line}:${f.range.start.character} ${f.message}`);
    assert.deepStrictEqual(got, ['b/main.tf:11:18 Anyone can invoke f: aws_lambda_permission.p grants principal "*" on aws_lambda_function.f with no source_arn, source_account or principal_org_id. (with the arguments of module.b in main.tf:6)']);
  });
});
