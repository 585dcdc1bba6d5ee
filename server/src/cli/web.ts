/**
 * `lpg web [--port N]`: serves the paste-and-fix page (dist/web/) on 127.0.0.1 only. A plain static
 * file server: GET/HEAD of files inside the folder, nothing else (no listing, no upload).
 */
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm', '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml', '.txt': 'text/plain; charset=utf-8',
};

/** Serves `root` on 127.0.0.1:`port` (0: any free port); resolves once listening. */
export function serveStatic(root: string, port: number): Promise<http.Server> {
  const base = path.resolve(root);
  const server = http.createServer((req, res) => {
    const send = (code: number, text: string) => { res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8' }); res.end(text + '\n'); };
    if (req.method !== 'GET' && req.method !== 'HEAD') { res.setHeader('allow', 'GET, HEAD'); send(405, 'method not allowed'); return; }
    let rel: string;
    try { rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname); } catch { send(400, 'bad request'); return; }
    if (rel.endsWith('/')) rel += 'index.html';
    const file = path.resolve(base, '.' + rel);
    if (file !== base && !file.startsWith(base + path.sep)) { send(404, 'not found'); return; }
    fs.stat(file, (err, st) => {
      if (err || !st.isFile()) { send(404, 'not found'); return; }
      res.writeHead(200, {
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'content-length': st.size,
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      });
      if (req.method === 'HEAD') { res.end(); return; }
      fs.createReadStream(file).pipe(res);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => { server.off('error', reject); resolve(server); });
  });
}

/** dist/web next to the CLI bundle (dist/cli.js), or the build output when running from source. */
export function webRoot(): string | undefined {
  const candidates = [path.join(__dirname, 'web'), path.join(__dirname, '..', '..', '..', 'dist', 'web')];
  return candidates.find((c) => fs.existsSync(path.join(c, 'index.html')));
}

/** Runs `lpg web`; resolves to -1 (the server keeps the process alive) once listening. */
export async function runWeb(args: string[], io: { out: (s: string) => void }, usage: (message: string) => Error): Promise<number> {
  let port = 8080;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const v = a === '--port' || a === '-p' ? args[++i] : a.startsWith('--port=') ? a.slice(7) : undefined;
    if (v === undefined) throw usage(a === '--port' || a === '-p' ? '--port needs a number' : `unknown option '${a}' of 'lpg web'`);
    if (!/^\d+$/.test(v) || Number(v) > 65535) throw usage(`--port must be a number from 0 to 65535, not '${v}'`);
    port = Number(v);
  }
  const root = webRoot();
  if (!root) throw new Error('the page is not built (dist/web/index.html is missing): run npm run build');
  let server: http.Server;
  try { server = await serveStatic(root, port); } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') throw usage(`cannot listen on 127.0.0.1:${port} (${code === 'EADDRINUSE' ? 'in use' : 'not allowed'}); pick another --port`);
    throw e;
  }
  const addr = server.address();
  const actual = typeof addr === 'object' && addr ? addr.port : port;
  io.out(`lpg: the page is at http://127.0.0.1:${actual}/ (served from ${root}; nothing you paste leaves the browser). Ctrl+C stops.\n`);
  return -1;
}
