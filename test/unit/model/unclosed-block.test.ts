import { assert, ready } from '../helpers';
import { makeSourceFile } from '../../../server/src/core/source';
import { ModuleIndex } from '../../../server/src/core/model/module';

describe('syntax model: a block being typed above intact blocks', () => {
  before(ready);
  it('lifts the top-level blocks an unclosed block swallowed back to the top level', () => {
    const t = 'resource "aws_lambda_permission" "x" {\n  principal = "events.amazonaws.com"\n\nresource "aws_lambda_permission" "api" {\n  principal = "apigateway.amazonaws.com"\n}\nlocals {\n  a = 1\n}\n';
    const f = makeSourceFile('main.tf', t);
    assert.ok(f.syntax!.errors.length > 0);
    assert.deepStrictEqual(f.syntax!.blocks.map((b) => [b.type, ...b.labels.map((l) => l.value)]), [
      ['resource', 'aws_lambda_permission', 'x'], ['resource', 'aws_lambda_permission', 'api'], ['locals'],
    ]);
    const x = f.syntax!.blocks[0];
    assert.deepStrictEqual(x.blocks, []);
    const api = f.syntax!.blocks[1];
    assert.strictEqual(t.slice(api.span.start, api.span.end), 'resource "aws_lambda_permission" "api" {\n  principal = "apigateway.amazonaws.com"\n}');
    const mi = new ModuleIndex([f]);
    assert.ok(mi.resources.has('aws_lambda_permission.api'));
    assert.ok(mi.locals.has('a'));
  });
  it('leaves the data blocks of a valid check block alone', () => {
    const t = 'check "health" {\n  data "http" "h" {\n    url = "https://example.com"\n  }\n  assert {\n    condition     = true\n    error_message = "x"\n  }\n}\n';
    const f = makeSourceFile('main.tf', t);
    assert.deepStrictEqual(f.syntax!.blocks.map((b) => b.type), ['check']);
    assert.deepStrictEqual(f.syntax!.blocks[0].blocks.map((b) => b.type), ['data', 'assert']);
  });
});
