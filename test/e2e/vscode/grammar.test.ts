/**
 * The fallback TextMate grammar (syntaxes/terraform.tmLanguage.json), tokenized by the same
 * vscode-textmate + vscode-oniguruma that VS Code 1.100.3 uses (taken from the code-server install of
 * setup.ts, not a project dependency): it colours Terraform on its own. (That HashiCorp's grammar
 * wins when both extensions are installed is checked in the real workbench: coexist.test.ts.)
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO } from './codeServer';
import { codeServerDir, ensureCodeServer } from './setup';

type Token = { text: string; scopes: string[] };

interface TextMate {
  Registry: new (o: unknown) => { loadGrammar(scope: string): Promise<{ tokenizeLine(l: string, s: unknown): { tokens: { startIndex: number; endIndex: number; scopes: string[] }[]; ruleStack: unknown } } | null> };
  INITIAL: unknown;
  parseRawGrammar(content: string, file: string): unknown;
}

async function loadTextMate(): Promise<{ tm: TextMate; onig: unknown }> {
  ensureCodeServer();
  const nm = path.join(codeServerDir(), 'node_modules/code-server/lib/vscode/node_modules');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tm = require(path.join(nm, 'vscode-textmate')) as TextMate;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const oniguruma = require(path.join(nm, 'vscode-oniguruma')) as { loadWASM(b: ArrayBuffer): Promise<void>; OnigScanner: unknown; OnigString: unknown };
  const wasm = fs.readFileSync(path.join(nm, 'vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const onig = {
    createOnigScanner: (p: string[]) => new (oniguruma.OnigScanner as new (p: string[]) => unknown)(p),
    createOnigString: (s: string) => new (oniguruma.OnigString as new (s: string) => unknown)(s),
  };
  return { tm, onig };
}

const OURS = path.join(REPO, 'syntaxes/terraform.tmLanguage.json');

async function tokenize(lines: string[]): Promise<Token[][]> {
  const { tm, onig } = await loadTextMate();
  const registry = new tm.Registry({
    onigLib: Promise.resolve(onig),
    loadGrammar: async (scope: string) => {
      if (scope === 'source.terraform.lpg') return tm.parseRawGrammar(fs.readFileSync(OURS, 'utf8'), OURS);
      return null;
    },
  });
  const grammar = await registry.loadGrammar('source.terraform.lpg');
  assert.ok(grammar);
  let state = tm.INITIAL;
  return lines.map((line) => {
    const r = grammar.tokenizeLine(line, state);
    state = r.ruleStack;
    return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}

function scopeOf(tokens: Token[][], line: number, text: string): string[] {
  const t = tokens[line].find((x) => x.text === text);
  assert.ok(t, `token ${JSON.stringify(text)} on line ${line}: ${JSON.stringify(tokens[line].map((x) => x.text))}`);
  return t.scopes;
}

const SAMPLE = [
  '# lets API Gateway invoke',
  'resource "aws_lambda_permission" "api" {',
  '  principal  = "apigateway.amazonaws.com"',
  '  source_arn = "${aws_api_gateway_rest_api.api.execution_arn}/*/*"',
  '  policy = <<EOF',
  '{"Action": "lambda:*"}',
  'EOF',
  '  count = var.enabled ? 1 : 0',
  '}',
];

describe('TextMate grammar (vscode-textmate of VS Code 1.100.3)', function () {
  this.timeout(10 * 60_000);

  it('colours Terraform on its own: comments, block types, labels, attributes, strings, interpolation, heredocs', async () => {
    const t = await tokenize(SAMPLE);
    assert.ok(scopeOf(t, 0, ' lets API Gateway invoke').includes('comment.line.number-sign.terraform'));
    assert.ok(scopeOf(t, 1, 'resource').includes('storage.type.block.terraform'));
    assert.ok(scopeOf(t, 1, '"aws_lambda_permission"').includes('entity.name.label.terraform'));
    assert.ok(scopeOf(t, 2, 'principal').includes('variable.other.property.terraform'));
    assert.ok(scopeOf(t, 2, 'apigateway.amazonaws.com').includes('string.quoted.double.terraform'));
    assert.ok(scopeOf(t, 2, '=').includes('keyword.operator.assignment.terraform'));
    assert.ok(scopeOf(t, 3, '${').includes('punctuation.section.interpolation.begin.terraform'));
    assert.ok(scopeOf(t, 3, 'execution_arn').includes('meta.interpolation.terraform'));
    assert.ok(scopeOf(t, 5, '{"Action": "lambda:*"}').includes('string.unquoted.heredoc.terraform'));
    assert.ok(scopeOf(t, 7, 'var').includes('variable.language.terraform'));
    assert.ok(scopeOf(t, 8, '}').includes('punctuation.section.block.end.terraform'));
    for (const line of t) for (const tok of line) assert.equal(tok.scopes[0], 'source.terraform.lpg');
  });
});
