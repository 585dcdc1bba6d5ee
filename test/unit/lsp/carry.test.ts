import * as assert from 'assert';
import { carryError } from '../../../server/src/lsp/carry';

// HashiCorp points at the line break of an open string
const ERR = { line: 1, character: 18, message: 'Invalid multi-line string; Quoted strings may not be split over multiple lines.' };
const BEFORE = 'resource "aws_lambda_permission" "x" {\n  principal = "sns\n}\n';

describe('carryError: HashiCorp\'s verdict about the previous text while its check of the new one is pending', () => {
  const table: { name: string; after: string; want: typeof ERR | undefined }[] = [
    { name: 'a character typed before the error on its line: moved with it', after: 'resource "aws_lambda_permission" "x" {\n  principal = "snss\n}\n', want: { ...ERR, character: 19 } },
    { name: 'a line inserted above: one line down', after: '# note\nresource "aws_lambda_permission" "x" {\n  principal = "sns\n}\n', want: { ...ERR, line: 2 } },
    { name: 'an edit after the error: unchanged', after: BEFORE + '\n', want: ERR },
    { name: 'the line break it points at deleted: dropped', after: 'resource "aws_lambda_permission" "x" {\n  principal = "sns}\n', want: undefined },
    { name: 'a line the error is on deleted: dropped', after: 'resource "aws_lambda_permission" "x" {\n}\n', want: undefined },
  ];
  for (const t of table) it(t.name, () => assert.deepStrictEqual(carryError(BEFORE, t.after, ERR), t.want));
  it('an error line past the end of the text it was found in: dropped', () => assert.strictEqual(carryError('x', 'xy', { line: 5, character: 0, message: 'm' }), undefined));
});
