/** Issue 13: functions of known values (merge, concat, flatten, lookup, coalesce, tolist, toset, try). */
import { analyze, assert, only, ready } from '../helpers';
import { table } from '../rules/table';
import { makeSourceFile } from '../../../server/src/core/source';
import { ModuleIndex } from '../../../server/src/core/model/module';
import { knownString, type Value } from '../../../server/src/core/model/value';
import { FN, perm, LOGS } from '../rules/outage-fixtures';

const WLR = 'wildcard-lambda-resource';

function evalLocal(tf: string, name: string): Value {
  const mi = new ModuleIndex([makeSourceFile('main.tf', tf)]);
  return mi.local(name);
}
const plain = (v: Value): unknown => v.k === 'list' ? v.items.map(plain) : v.k === 'obj' ? Object.fromEntries(v.entries.map((e) => [e.key, plain(e.value)])) : v.k === 'unknown' ? '?' : v.k === 'null' ? null : knownString(v) ?? '~';

const MERGED = `locals {
  base = {
    Version = "2012-10-17"
  }
}

resource "aws_iam_policy" "p" {
  policy = jsonencode(merge(local.base, {
    Statement = [{
      Effect   = "Allow"
      Action   = "lambda:InvokeFunction"
      Resource = "*"
    }]
  }))
}
`;
const docWith = (resources: string): string => `data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["lambda:InvokeFunction"]
    resources = ${resources}
  }
}
`;

describe('issue 13: functions of known values', () => {
  before(ready);

  it('evaluates each function of known arguments, and is unknown on unknown ones', () => {
    const tf = `variable "u" {}
locals {
  m  = merge({ a = "1", b = "2" }, { b = "3" })
  c  = concat(["a"], ["b", "c"])
  f  = flatten([["a"], [["b"]], "c"])
  l  = lookup({ a = "x" }, "a", "d")
  ld = lookup({ a = "x" }, "z", "d")
  co = coalesce("", null, "v", "w")
  tl = tolist(["a"])
  ts = toset(["a", "a", "b"])
  t  = try(local.m.zz, "fallback")
  t2 = try(local.m.a, "fallback")
  mu = merge(var.u, { a = "1" })
  cu = concat(var.u, ["a"])
  fu = flatten([var.u])
  lu = lookup(var.u, "a", "d")
  cou = coalesce(var.u, "v")
  tu = try(var.u, "fallback")
}
`;
    const got = Object.fromEntries(['m', 'c', 'f', 'l', 'ld', 'co', 'tl', 'ts', 't', 't2', 'mu', 'cu', 'fu', 'lu', 'cou', 'tu'].map((n) => [n, plain(evalLocal(tf, n))]));
    assert.deepStrictEqual(got, {
      m: { a: '1', b: '3' }, c: ['a', 'b', 'c'], f: ['a', 'b', 'c'], l: 'x', ld: 'd', co: 'v', tl: ['a'], ts: ['a', 'b'], t: 'fallback', t2: '1',
      mu: '?', cu: '?', fu: '?', lu: '?', cou: '?', tu: '?',
    });
  });

  table(WLR, [
    { name: 'jsonencode(merge(local.base, {Statement = [...]}))', files: { 'main.tf': MERGED }, file: 'main.tf', range: [11, 17, 11, 20], text: '"*"' },
    { name: 'concat() of resource lists', files: { 'main.tf': docWith('concat(["arn:aws:lambda:us-east-1:123456789012:function:orders"], ["*"])') }, file: 'main.tf', range: [3, 83, 3, 86], text: '"*"' },
    { name: 'flatten() of nested lists', files: { 'main.tf': docWith('flatten([["*"]])') }, file: 'main.tf', range: [3, 26, 3, 29], text: '"*"' },
    { name: 'lookup() of a map local', files: { 'main.tf': 'locals {\n  res = { dev = "*" }\n}\n' + docWith('[lookup(local.res, "dev", "x")]') }, file: 'main.tf', range: [1, 16, 1, 19], text: '"*"' },
    { name: 'coalesce() of known values', files: { 'main.tf': docWith('[coalesce("", "*")]') }, file: 'main.tf', range: [3, 30, 3, 33], text: '"*"' },
    { name: 'toset() / tolist()', files: { 'main.tf': docWith('tolist(toset(["*"]))') }, file: 'main.tf', range: [3, 30, 3, 33], text: '"*"' },
    { name: 'try() falls back when the key does not exist', files: { 'main.tf': 'locals {\n  cfg = {}\n}\n' + docWith('[try(local.cfg.arn, "*")]') }, file: 'main.tf', range: [6, 36, 6, 39], text: '"*"' },
  ], [
    { name: 'merge() with an unknown argument', files: { 'main.tf': MERGED.replace('merge(local.base,', 'merge(var.base,') } },
    { name: 'coalesce() whose first value is unknown', files: { 'main.tf': 'variable "arn" {}\n' + docWith('[coalesce(var.arn, "*")]') } },
    { name: 'coalesce() whose first value is a variable\'s null default (a placeholder a caller sets)', files: { 'main.tf': 'variable "arn" {\n  default = null\n}\n' + docWith('[coalesce(var.arn, "*")]') } },
    { name: 'try() whose first value is unknown (not an error)', files: { 'main.tf': 'variable "arn" {}\n' + docWith('[try(var.arn, "*")]') } },
    { name: 'lookup() of a missing key without default', files: { 'main.tf': 'locals {\n  res = { dev = "arn:aws:lambda:us-east-1:1:function:f" }\n}\n' + docWith('[lookup(local.res, "prod")]') } },
  ]);

  it('a principal from lookup() decides coverage (no outage)', () => {
    const files = { 'main.tf': FN + LOGS + 'locals {\n  principals = { logs = "logs.amazonaws.com" }\n}\n' + perm('p', '${lookup(local.principals, "logs")}', '"${aws_cloudwatch_log_group.app.arn}:*"') };
    assert.deepStrictEqual(only(analyze(files), 'missing-invoke-permission'), []);
  });
});
