import * as assert from 'assert';
import { ready } from '../helpers';
import { parseTerraform } from '../../../server/src/core/parse/treesitter';
import { collectComments } from '../../../server/src/core/model/hcl';
import type { Comment } from '../../../server/src/core/model/ast';
import type { Node } from '../../../server/src/core/parse/treesitter';

const sp = (n: Node): { start: number; end: number } => ({ start: n.startIndex, end: n.endIndex });

/** Reference implementation: a node-by-node walk, which collectComments must equal. */
function collectCommentsWalk(n: Node, out: Comment[], text: string, skip?: Map<number, number>): void {
  // Comments are extras: they can sit anywhere in the tree.
  const cursor = n.walk();
  const visit = (): void => {
    do {
      const node = cursor.currentNode;
      if (node.type === 'comment') out.push({ text: text.slice(node.startIndex, node.endIndex), span: sp(node) });
      else if (skip && node.type === 'block' && skip.has(node.startIndex)) { /* cached block */ }
      else if (node.childCount > 0 && cursor.gotoFirstChild()) { visit(); cursor.gotoParent(); }
    } while (cursor.gotoNextSibling());
  };
  visit();
  cursor.delete();
}



const TEXT = `# lpg-ignore-file: missing-source-arn -- test
resource "aws_lambda_permission" "a" { # trailing
  // inside
  function_name = aws_lambda_function.f.function_name /* block comment */
  principal     = "s3.amazonaws.com"
  dynamic "x" {
    # nested
    content {}
  }
}

/* between */
resource "aws_lambda_function" "f" {
  function_name = "f" # name
  description   = "http://x/*y*/ # not a comment" // after a string with markers
  policy        = <<EOF
# not a comment
// nor this /* */
EOF
}
# last
`;

describe('model: comments of a tree', () => {
  before(ready);

  it('one tree-sitter call finds the same comments, in the same order, as the node-by-node walk (also in broken text and with cached blocks left out)', () => {
    const variants = [TEXT];
    for (let at = 0; at < TEXT.length; at += 7) for (const ins of ['"', '{', '}', '/*', '<<EOF\n']) variants.push(TEXT.slice(0, at) + ins + TEXT.slice(at));
    let withComments = 0;
    for (const t of variants) {
      const tree = parseTerraform(t);
      try {
        const body = tree.rootNode.namedChildren.find((c) => c?.type === 'body');
        const skips: (Map<number, number> | undefined)[] = [undefined, new Map()];
        if (body) for (const c of body.namedChildren) if (c?.type === 'block') skips[1]!.set(c.startIndex, c.endIndex);
        for (const skip of skips) {
          const a: Comment[] = [], b: Comment[] = [];
          collectComments(tree.rootNode, a, t, skip);
          collectCommentsWalk(tree.rootNode, b, t, skip);
          assert.deepStrictEqual(a, b, JSON.stringify(t));
          if (a.length) withComments++;
        }
        if (body) for (const c of body.namedChildren) {
          if (!c) continue;
          const a: Comment[] = [], b: Comment[] = [];
          collectComments(c, a, t);
          collectCommentsWalk(c, b, t);
          assert.deepStrictEqual(a, b, JSON.stringify(t));
        }
      } finally { tree.delete(); }
    }
    assert.ok(withComments > variants.length, 'the texts have comments');
    const all: Comment[] = [];
    const tree = parseTerraform(TEXT);
    collectComments(tree.rootNode, all, TEXT);
    tree.delete();
    assert.deepStrictEqual(all.map((c) => c.text), ['# lpg-ignore-file: missing-source-arn -- test', '# trailing', '// inside', '/* block comment */', '# nested', '/* between */', '# name', '// after a string with markers', '# last']);
  });
});
