/** `lpg web`: the static server of the page (127.0.0.1 only, files of its folder only) and its options. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import type { AddressInfo } from 'net';
import { serveStatic, runWeb } from '../../../server/src/cli/web';
import { main } from '../../../server/src/cli/main';

function get(port: number, p: string, method = 'GET'): Promise<{ status: number; type?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: p, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode!, type: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('lpg web', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lpg-web-unit-'));
  fs.writeFileSync(path.join(root, 'index.html'), '<p>page</p>');
  fs.writeFileSync(path.join(root, 'a.wasm'), 'x');
  fs.writeFileSync(path.join(os.tmpdir(), 'lpg-web-unit-secret.txt'), 'secret');
  let server: http.Server;
  let port: number;
  before(async () => { server = await serveStatic(root, 0); port = (server.address() as AddressInfo).port; });
  after(() => new Promise((r) => server.close(r)));

  it('listens on 127.0.0.1 only', () => assert.strictEqual((server.address() as AddressInfo).address, '127.0.0.1'));

  it('serves index.html for / and WASM as application/wasm', async () => {
    assert.deepStrictEqual(await get(port, '/'), { status: 200, type: 'text/html; charset=utf-8', body: '<p>page</p>' });
    assert.strictEqual((await get(port, '/a.wasm')).type, 'application/wasm');
  });

  it('never serves a file outside its folder, nor answers other methods', async () => {
    for (const p of ['/../lpg-web-unit-secret.txt', '/%2e%2e/lpg-web-unit-secret.txt', '/..%2flpg-web-unit-secret.txt', '/nope.js']) assert.strictEqual((await get(port, p)).status, 404, p);
    assert.strictEqual((await get(port, '/', 'POST')).status, 405);
  });

  it('rejects a bad --port with a usage error (exit code 2)', async () => {
    let err = '';
    const code = await main(['web', '--port', 'http'], { out: () => undefined, err: (s) => { err += s; } });
    assert.strictEqual(code, 2);
    assert.strictEqual(err, "lpg: --port must be a number from 0 to 65535, not 'http'. Run 'lpg --help' for usage.\n");
  });

  it('names a port in use instead of crashing', async () => {
    await assert.rejects(runWeb(['--port', String(port)], { out: () => undefined }, (m) => new Error(m)), { message: `cannot listen on 127.0.0.1:${port} (in use); pick another --port` });
  });
});
