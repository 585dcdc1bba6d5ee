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
export const Buffer = undefined;
