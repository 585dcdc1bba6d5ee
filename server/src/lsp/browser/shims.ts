/**
 * Browser stand-ins for the few Node built-ins the server's shared modules import but the browser
 * server never calls in a way that needs Node (scripts/build.mjs aliases them): `url` (file URLs:
 * the browser host maps URIs itself, lsp/browser/main.ts) and `buffer` (isUtf8, for the CLI's reads).
 */
export function fileURLToPath(u: string | URL): string {
  const url = typeof u === 'string' ? new URL(u) : u;
  if (url.protocol !== 'file:') throw new TypeError('The URL must be of scheme file');
  return decodeURIComponent(url.pathname);
}
export function pathToFileURL(p: string): URL { return new URL('file://' + p.split('/').map(encodeURIComponent).join('/')); }
export function isUtf8(b: Uint8Array): boolean {
  try { new TextDecoder('utf-8', { fatal: true }).decode(b); return true; } catch { return false; }
}
/** The part of Node's Buffer that scan/fs.ts's reads use (allocUnsafe, from, toString, equals); injected as the global `Buffer` in the browser server bundle. */
class MiniBuffer extends Uint8Array {
  override toString(_enc?: string): string { return new TextDecoder('utf-8').decode(this); }
  equals(o: Uint8Array): boolean { return o.length === this.length && this.every((v, i) => v === o[i]); }
}
function fromBytes(bytes: ArrayLike<number>): MiniBuffer { const b = new MiniBuffer(bytes.length); b.set(bytes); return b; }
export const Buffer = {
  allocUnsafe: (n: number): MiniBuffer => new MiniBuffer(n),
  alloc: (n: number): MiniBuffer => new MiniBuffer(n),
  from: (x: string | ArrayLike<number>, _enc?: string): MiniBuffer => fromBytes(typeof x === 'string' ? new TextEncoder().encode(x) : x),
  isBuffer: (x: unknown): boolean => x instanceof MiniBuffer,
};
