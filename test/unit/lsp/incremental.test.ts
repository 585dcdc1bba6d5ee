/**
 * The server's incremental path for configurations (server/src/lsp/incremental.ts, configs.ts): after
 * each of hundreds of seeded random edits of a child module called by three roots (and a fourth calling it twice; typing new and
 * existing attributes, read and unread ones, comments and suppressions, deletions, new lines), the
 * findings of the incremental analysis equal those of a fresh full analysis: rule, range, message,
 * severity and related locations; fixes equal, or left out while provisional (never different).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { assert, ready } from '../helpers';
import { OpenDocument } from '../../../server/src/lsp/documents';
import { LspConfigs } from '../../../server/src/lsp/configs';
import { DiskCache, type FileFilter } from '../../../server/src/lsp/modules';
import { blockEdit } from '../../../server/src/lsp/incremental';
import { makeSourceFile } from '../../../server/src/core/source';
import { LineIndex } from '../../../server/src/core/text';
import type { Finding } from '../../../server/src/core/types';
import { rng } from '../robustness/fuzzlib';
import { LspFolders } from '../../../server/src/lsp/folders';
import { analyzeModule } from '../../../server/src/core/analyze';

const UNIT = (i: number, arn: boolean): string => `resource "aws_lambda_function" "fn${i}" {
  function_name = "svc-fn${i}"
  role          = "arn:aws:iam::123456789012:role/svc"
}
resource "aws_lambda_permission" "api${i}" {
  statement_id  = "AllowApi${i}"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.fn${i}.function_name
  principal     = "apigateway.amazonaws.com"
${arn ? `  source_arn    = "\${aws_apigatewayv2_api.api.execution_arn}/*/*"\n` : '  source_account = var.account_id\n'}}
resource "aws_apigatewayv2_integration" "int${i}" {
  api_id           = aws_apigatewayv2_api.api.id
  integration_type = "AWS_PROXY"
  integration_uri  = aws_lambda_function.fn${i}.invoke_arn
}
`;
const CHILD = `variable "account_id" {
  type = string
}
resource "aws_apigatewayv2_api" "api" {
  name          = "svc"
  protocol_type = "HTTP"
}
resource "aws_iam_role_policy" "p" {
  role   = "svc"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["lambda:*"], Resource = "*" }] })
}
${[0, 1, 2, 3].map((i) => UNIT(i, i % 2 === 1)).join('')}`;

type Op = { offset: number; insert?: string; del?: number };
const LINES = ['  description   = "typed"\n', '  source_arn    = "arn:aws:execute-api:eu-west-1:123456789012:abc/*/*"\n', '  qualifier     = "live"\n', '  tags = { team = "a" }\n', '  # a note\n', '  # lpg-ignore: missing-source-arn\n', '  principal     = "*"\n', '  memory_size = 256\n', '\n'];

/** A seeded script: a whole line typed character by character at a line start, then (sometimes) deleted again; or a few characters deleted, or typed inside a value. */
function script(text0: string, r: () => number, n: number): Op[] {
  const ops: Op[] = [];
  let text = text0;
  const apply = (op: Op): void => { text = text.slice(0, op.offset) + (op.insert ?? '') + text.slice(op.offset + (op.del ?? 0)); ops.push(op); };
  while (ops.length < n) {
    const starts: number[] = [];
    for (let i = text.indexOf('\n'); i >= 0 && i < text.length - 1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    const at = starts[Math.floor(r() * starts.length)];
    const kind = r();
    if (kind < 0.6) {
      const line = LINES[Math.floor(r() * LINES.length)];
      for (let i = 0; i < line.length; i++) apply({ offset: at + i, insert: line[i] });
      if (r() < 0.7) for (let i = line.length; i > 0; i--) apply({ offset: at + i - 1, del: 1 });
    } else if (kind < 0.8) {
      // inside a quoted value of the line
      const eol = text.indexOf('\n', at);
      const q = text.indexOf('"', at);
      if (q > 0 && q < eol) { apply({ offset: q + 1, insert: 'x' }); apply({ offset: q + 1, insert: 'y' }); if (r() < 0.5) { apply({ offset: q + 1, del: 2 }); } }
    } else {
      const len = 1 + Math.floor(r() * 3);
      if (at + len < text.length) apply({ offset: at + Math.floor(r() * 4), del: len });
    }
  }
  return ops.slice(0, n);
}

const view = (fs: Finding[]): unknown[] => fs.map((f) => ({ ruleId: f.ruleId, severity: f.severity, range: f.range, message: f.message, related: f.related, file: f.file }));

describe('lsp: incremental configurations (findings carried over edits no rule reads)', () => {
  before(ready);
  let dir: string;
  let child: string;
  const filter: FileFilter = { excluded: () => false, maxBytes: () => 4 * 1024 * 1024 };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lpg-incremental-'));
    child = path.join(dir, 'modules', 'svc', 'main.tf');
    fs.mkdirSync(path.dirname(child), { recursive: true });
    fs.writeFileSync(child, CHILD);
    for (let i = 0; i < 3; i++) {
      const p = path.join(dir, 'envs', 'e' + i, 'main.tf');
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, `module "svc" {\n  source     = "../../modules/svc"\n  account_id = "12345678901${i}"\n}\n`);
    }
  });
  /** A root calling the child twice (its second instance evaluates a clone of the child's model). */
  const twice = (): void => {
    const p = path.join(dir, 'envs', 'twice', 'main.tf');
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, 'module "a" {\n  source     = "../../modules/svc"\n  account_id = "111111111111"\n}\nmodule "b" {\n  source     = "../../modules/svc"\n  account_id = "222222222222"\n}\n');
  };
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const totals = { carried: 0, dropped: 0, runs: 0 };
  after(() => {
    // over the four scripts (when all ran): many edits took the incremental path, and fixes were left out while provisional
    if (totals.runs === 4) assert.ok(totals.carried >= 100 && totals.dropped > 0, JSON.stringify(totals));
  });

  for (const [seed, calledTwice] of [[1, false], [2, false], [3, false], [4, true]] as const) {
    it(`seed ${seed}: 400 random edits, every one equal to a fresh full analysis${calledTwice ? ' (one root calls the child twice)' : ''}`, () => {
      if (calledTwice) twice();
      const doc = new OpenDocument('file://' + child, child, 'terraform', 1, CHILD);
      const docs = new Map([[child, doc]]);
      const inc = new LspConfigs(docs, new DiskCache(), (abs) => path.dirname(abs));
      const cdir = path.dirname(child);
      inc.analyze(dir, cdir, filter, {}, [], true);
      let carried = 0, dropped = 0, withFindings = 0;
      let v = 1;
      for (const op of script(CHILD, rng(seed), 400)) {
        const li = new LineIndex(doc.text);
        doc.update([{ range: { start: li.positionAt(op.offset), end: li.positionAt(op.offset + (op.del ?? 0)) }, text: op.insert ?? '' }], ++v);
        const a = inc.analyze(dir, cdir, filter, {}, [], true)!;
        const b = new LspConfigs(docs, new DiskCache(), (abs) => path.dirname(abs)).analyze(dir, cdir, filter, {}, [])!;
        assert.ok(!b.provisional);
        if (a.provisional) carried++;
        assert.deepStrictEqual([...a.byFile.keys()].sort(), [...b.byFile.keys()].sort());
        for (const [file, fb] of b.byFile) {
          const fa = a.byFile.get(file)!;
          assert.deepStrictEqual(view(fa), view(fb), `edit ${v} (${JSON.stringify(op)}), ${file}:\n${doc.text}`);
          if (fb.length) withFindings++;
          fa.forEach((f, i) => {
            if (a.provisional && !f.fixes.length && fb[i].fixes.length) { dropped++; return; }
            assert.deepStrictEqual(f.fixes, fb[i].fixes, `fixes of ${f.ruleId} after edit ${v}`);
          });
        }
      }
      // the script exercises both paths: carried findings (with fixes left out) and full analyses
      assert.ok(carried > 0 && carried < 400 && withFindings > 0, `carried ${carried}`);
      totals.carried += carried;
      totals.dropped += dropped;
      totals.runs++;
      // a full analysis brings the fixes back
      const full = inc.analyze(dir, cdir, filter, {}, [], false)!;
      const fresh = new LspConfigs(docs, new DiskCache(), (abs) => path.dirname(abs)).analyze(dir, cdir, filter, {}, [])!;
      assert.strictEqual(full.provisional, false);
      assert.deepStrictEqual([...full.byFile], [...fresh.byFile]);
    });
  }

  it('seed 5: 400 random edits of a caller whose API is wired to the function of its child (values across the call both ways)', () => {
    const app = path.join(dir, 'app', 'main.tf');
    const APP = `resource "aws_apigatewayv2_api" "http" {\n  name          = "app"\n  protocol_type = "HTTP"\n}\nresource "aws_apigatewayv2_integration" "fn" {\n  api_id           = aws_apigatewayv2_api.http.id\n  integration_type = "AWS_PROXY"\n  integration_uri  = module.fn.invoke_arn\n}\nresource "aws_apigatewayv2_route" "get" {\n  api_id    = aws_apigatewayv2_api.http.id\n  route_key = "GET /items"\n  target    = "integrations/\${aws_apigatewayv2_integration.fn.id}"\n}\nmodule "fn" {\n  source  = "../modules/fn"\n  api_arn = aws_apigatewayv2_api.http.arn\n}\n`;
    const FN = `variable "api_arn" {\n  type = string\n}\nresource "aws_lambda_function" "this" {\n  function_name = "app-fn"\n  role          = "arn:aws:iam::123456789012:role/app"\n}\nresource "aws_lambda_permission" "api" {\n  action        = "lambda:InvokeFunction"\n  function_name = aws_lambda_function.this.function_name\n  principal     = "apigateway.amazonaws.com"\n  source_arn    = "\${var.api_arn}/*/*"\n}\noutput "invoke_arn" {\n  value = aws_lambda_function.this.invoke_arn\n}\n`;
    fs.mkdirSync(path.dirname(app), { recursive: true });
    fs.writeFileSync(app, APP);
    fs.mkdirSync(path.join(dir, 'modules', 'fn'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'modules', 'fn', 'main.tf'), FN);
    const doc = new OpenDocument('file://' + app, app, 'terraform', 1, APP);
    const docs = new Map([[app, doc]]);
    const inc = new LspConfigs(docs, new DiskCache(), (abs) => path.dirname(abs));
    const adir = path.dirname(app);
    const first = inc.analyze(dir, adir, filter, {}, [], true)!;
    // the control-plane ARN passed to the child: its source_arn never matches (the finding on the caller's argument)
    assert.deepStrictEqual([...first.byFile.values()].flat().map((f) => f.ruleId), ['source-arn-mismatch']);
    let carried = 0;
    let v = 1;
    for (const op of script(APP, rng(5), 400)) {
      const li = new LineIndex(doc.text);
      doc.update([{ range: { start: li.positionAt(op.offset), end: li.positionAt(op.offset + (op.del ?? 0)) }, text: op.insert ?? '' }], ++v);
      const a = inc.analyze(dir, adir, filter, {}, [], true)!;
      const b = new LspConfigs(docs, new DiskCache(), (abs) => path.dirname(abs)).analyze(dir, adir, filter, {}, [])!;
      if (a.provisional) carried++;
      assert.deepStrictEqual([...a.byFile.keys()].sort(), [...b.byFile.keys()].sort());
      for (const [file, fb] of b.byFile) {
        const fa = a.byFile.get(file)!;
        assert.deepStrictEqual(view(fa), view(fb), `edit ${v} (${JSON.stringify(op)}), ${file}:\n${doc.text}`);
        fa.forEach((f, i) => { if (!(a.provisional && !f.fixes.length)) assert.deepStrictEqual(f.fixes, fb[i].fixes); });
      }
    }
    assert.ok(carried > 0 && carried < 400, `carried ${carried}`);
  });

  it('blockEdit: only edits inside one resource/data body, with what changed', () => {
    const a = makeSourceFile('main.tf', 'resource "x" "y" {\n  a = 1\n}\nvariable "v" {\n  default = 1\n}\n');
    const e = blockEdit(a, makeSourceFile('main.tf', 'resource "x" "y" {\n  a = 1\n  b = 2\n}\nvariable "v" {\n  default = 1\n}\n'))!;
    assert.deepStrictEqual({ lo: e.lo, hiA: e.hiA, delta: e.delta, changed: e.changed, lines: e.lines }, { lo: 27, hiA: 27, delta: 8, changed: ['b'], lines: true });
    // a variable's default: not a resource (values flow from it through var.v)
    assert.strictEqual(blockEdit(a, makeSourceFile('main.tf', 'resource "x" "y" {\n  a = 1\n}\nvariable "v" {\n  default = 2\n}\n')), undefined);
    // the header, a label
    assert.strictEqual(blockEdit(a, makeSourceFile('main.tf', 'resource "x" "z" {\n  a = 1\n}\nvariable "v" {\n  default = 1\n}\n')), undefined);
    // a nested block
    const n = makeSourceFile('main.tf', 'resource "x" "y" {\n  a = 1\n  n {\n    b = 1\n  }\n}\n');
    assert.strictEqual(blockEdit(n, makeSourceFile('main.tf', 'resource "x" "y" {\n  a = 1\n  n {\n    b = 2\n  }\n}\n')), undefined);
    assert.deepStrictEqual(blockEdit(n, makeSourceFile('main.tf', 'resource "x" "y" {\n  a = 2\n  n {\n    b = 1\n  }\n}\n'))!.changed, ['a']);
    // a suppression comment in the block
    assert.strictEqual(blockEdit(a, makeSourceFile('main.tf', 'resource "x" "y" {\n  a = 1\n  # lpg-ignore\n}\nvariable "v" {\n  default = 1\n}\n')), undefined);
  });
});

describe('lsp: incremental folders analysed alone (lsp/folders.ts)', () => {
  before(ready);
  const totals = { dropped: 0, runs: 0 };
  after(() => { if (totals.runs === 2) assert.ok(totals.dropped > 0, JSON.stringify(totals)); });
  for (const seed of [6, 7]) {
    it(`seed ${seed}: 400 random edits of a lone folder, every one equal to the whole analysis of the folder`, () => {
      const doc = new OpenDocument('file:///w/main.tf', '/w/main.tf', 'terraform', 1, CHILD);
      const alone = new LspFolders();
      alone.analyze('/w', [doc.sourceFile('main.tf')], {}, true);
      let carried = 0, dropped = 0;
      let v = 1;
      for (const op of script(CHILD, rng(seed), 400)) {
        const li = new LineIndex(doc.text);
        doc.update([{ range: { start: li.positionAt(op.offset), end: li.positionAt(op.offset + (op.del ?? 0)) }, text: op.insert ?? '' }], ++v);
        const files = [doc.sourceFile('main.tf')];
        const a = alone.analyze('/w', files, {}, true)!;
        const b = analyzeModule(files, {});
        if (a.provisional) carried++;
        assert.deepStrictEqual(view(a.findings), view(b), `edit ${v} (${JSON.stringify(op)}):\n${doc.text}`);
        a.findings.forEach((f, i) => {
          if (a.provisional && !f.fixes.length && b[i].fixes.length) { dropped++; return; }
          assert.deepStrictEqual(f.fixes, b[i].fixes, `fixes of ${f.ruleId} after edit ${v}`);
        });
      }
      assert.ok(carried > 20 && carried < 400, `carried ${carried}`);
      totals.dropped += dropped;
      totals.runs++;
      // in full again: the fixes back
      const full = alone.analyze('/w', [doc.sourceFile('main.tf')], {}, false)!;
      assert.strictEqual(full.provisional, false);
      assert.deepStrictEqual(full.findings, analyzeModule([doc.sourceFile('main.tf')], {}));
    });
  }
});
