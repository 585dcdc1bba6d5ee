/**
 * The browser language server's host parts (server/src/lsp/browser/): URIs of any scheme <-> the
 * server's POSIX paths, and the in-memory file system that stands in for `fs` in the browser bundle.
 */
import * as assert from 'assert';
import { uriToBrowserPath, browserPathToUri } from '../../../server/src/lsp/browser/uri';
import * as vfs from '../../../server/src/lsp/browser/vfs';

describe('browser server: URI mapping', () => {
  const cases: [string, string][] = [
    ['vscode-remote://127.0.0.1:8080/tmp/ws/api/main.tf', '/vscode-remote/_127.0.0.1%3A8080/tmp/ws/api/main.tf'],
    ['vscode-vfs://github/owner/repo/infra/lambda.tf', '/vscode-vfs/_github/owner/repo/infra/lambda.tf'],
    ['vscode-test-web://mount/policy%20docs/p.json', '/vscode-test-web/_mount/policy docs/p.json'],
    ['file:///home/u/x.tf', '/file/_/home/u/x.tf'],
  ];
  for (const [uri, p] of cases) {
    it(`${uri} <-> ${p}`, () => {
      assert.strictEqual(uriToBrowserPath(uri), p);
      assert.strictEqual(browserPathToUri(p), uri);
    });
  }
  it('the paths survive the server\'s path arithmetic (POSIX join/dirname/normalize)', () => {
    const path = require('path-browserify') as typeof import('path');
    for (const [uri, p] of cases) {
      const again = path.join(path.dirname(path.normalize(p)), path.basename(p));
      assert.strictEqual(browserPathToUri(again), uri);
    }
  });
  it('a URI without an authority part (untitled:, malformed escapes) has no path', () => {
    assert.strictEqual(uriToBrowserPath('untitled:Untitled-1'), undefined);
    assert.strictEqual(uriToBrowserPath('vscode-remote://h/%E0%A4%A'), undefined);
  });
});

describe('browser server: in-memory file system', () => {
  before(() => {
    vfs.clearFiles();
    vfs.setFile('/s/a/ws/main.tf', 'resource "x" "y" {}\n');
    vfs.setFile('/s/a/ws/policies/p.json', '{"Statement": []}');
    vfs.setFile('/s/a/ws/é.tf', 'é');
  });
  after(() => vfs.clearFiles());

  it('lists a folder with file types, sorted; sub-folders come from the files under them', () => {
    const list = vfs.readdirSync('/s/a/ws', { withFileTypes: true }) as { name: string; isFile(): boolean; isDirectory(): boolean }[];
    assert.deepStrictEqual(list.map((d) => [d.name, d.isFile(), d.isDirectory()]), [['main.tf', true, false], ['policies', false, true], ['é.tf', true, false]]);
    assert.deepStrictEqual(vfs.readdirSync('/s/a/ws/'), ['main.tf', 'policies', 'é.tf']);
  });

  it('stats files (UTF-8 size) and folders; reads text', () => {
    assert.strictEqual(vfs.statSync('/s/a/ws/é.tf').size, 2);
    assert.ok(vfs.statSync('/s/a/ws/policies').isDirectory());
    assert.strictEqual(vfs.readFileSync('/s/a/ws/main.tf', 'utf8'), 'resource "x" "y" {}\n');
    assert.ok(vfs.existsSync('/s/a') && !vfs.existsSync('/s/b'));
  });

  it('reads through descriptors as scan/fs.ts does (open, fstat, read in chunks, close)', () => {
    const fd = vfs.openSync('/s/a/ws/é.tf', vfs.constants.O_RDONLY);
    assert.strictEqual(vfs.fstatSync(fd).size, 2);
    assert.ok(vfs.fstatSync(fd).isFile());
    const buf = new Uint8Array(3);
    assert.strictEqual(vfs.readSync(fd, buf, 0, 1, null), 1);
    assert.strictEqual(vfs.readSync(fd, buf, 1, 2, null), 1);
    assert.strictEqual(vfs.readSync(fd, buf, 2, 1, null), 0);
    assert.strictEqual(new TextDecoder().decode(buf.subarray(0, 2)), 'é');
    vfs.closeSync(fd);
    assert.throws(() => vfs.fstatSync(fd), { code: 'EBADF' });
  });

  it('a missing file is ENOENT (as fs), a removed file is gone, writes are refused', async () => {
    assert.throws(() => vfs.readFileSync('/s/a/ws/nope.tf'), { code: 'ENOENT' });
    assert.throws(() => vfs.readdirSync('/s/a/ws/main.tf/x'), { code: 'ENOENT' });
    vfs.setFile('/s/a/ws/policies/p.json', undefined);
    assert.throws(() => vfs.statSync('/s/a/ws/policies'), { code: 'ENOENT' });
    await assert.rejects(vfs.rename('/s/a/ws/main.tf', '/s/a/ws/x.tf'), { code: 'EROFS' });
  });
});
