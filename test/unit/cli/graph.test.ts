import * as fs from 'fs';
import * as path from 'path';
import { assert } from '../helpers';
import { ensureBuilt, lpg, ROOT, tempDir } from './run';

describe('lpg graph (built, real process)', function () {
  this.timeout(120000);
  before(ensureBuilt);

  it('--format mermaid prints the README diagram of examples/', () => {
    const r = lpg(['graph', 'examples', '--format', 'mermaid']);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.strictEqual(r.stderr, '');
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const block = /<!-- lpg graph examples --format mermaid -->\n```mermaid\n([\s\S]*?)```/.exec(readme);
    assert.ok(block, 'README has the diagram');
    assert.strictEqual(r.stdout, block![1]);
  });

  it('--format json: folders with their functions and permissions (paths relative to the folder)', () => {
    const r = lpg(['graph', 'examples', '--format', 'json']);
    assert.strictEqual(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.deepStrictEqual(j.folders.map((f: { dir: string }) => f.dir), ['examples']);
    const expected = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'unit', 'graph-examples.expected.json'), 'utf8'));
    assert.deepStrictEqual(j.folders[0], { dir: 'examples', ...expected });
  });

  it('text (default) and dot; folders without a function are left out; a sub-folder is named by its path', () => {
    const d = tempDir({
      'empty/main.tf': 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n',
      'svc/main.tf': fs.readFileSync(path.join(ROOT, 'examples', 'lambda.tf'), 'utf8'),
    });
    const r = lpg(['graph', d]);
    assert.strictEqual(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.strictEqual(lines[0], `${d}/svc`);
    assert.ok(lines.includes(`  aws_lambda_function.report  ${d}/svc/main.tf:31  1 trigger · 1 cannot invoke`), r.stdout);
    assert.ok(lines.includes('       CANNOT INVOKE: no aws_lambda_permission grants events.amazonaws.com [missing-invoke-permission]'), r.stdout);
    const dot = lpg(['graph', d, '--format', 'dot']);
    assert.ok(dot.stdout.startsWith('digraph wiring {\n  rankdir=LR;'), dot.stdout);
  });

  it('several file PATHs of one folder draw that folder once', () => {
    const one = lpg(['graph', 'examples', '--format', 'mermaid']);
    const files = lpg(['graph', 'examples/lambda.tf', 'examples/api.tf', '--format', 'mermaid']);
    assert.strictEqual(files.code, 0, files.stderr);
    assert.strictEqual(files.stdout, one.stdout);
  });

  it('usage errors exit 2 with one line', () => {
    const r = lpg(['graph', 'examples', '--format', 'svg']);
    assert.strictEqual(r.code, 2);
    assert.strictEqual(r.stderr, "lpg: --format must be mermaid, dot, json or text, not 'svg'. Run 'lpg --help' for usage.\n");
    const m = lpg(['graph', 'no/such/dir']);
    assert.strictEqual(m.code, 2);
    assert.strictEqual(m.stderr, "lpg: no such file or folder: no/such/dir. Run 'lpg --help' for usage.\n");
  });
});
