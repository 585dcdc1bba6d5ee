/** The browser server's paths for the client's URIs (lsp/browser/main.ts installs them as convert.ts's uriMapping). */

/**
 * URIs of any hierarchical scheme <-> the server's absolute paths: `scheme://authority/a/b.tf` is
 * `/scheme/_<authority, encoded>/a/b.tf` (the server's folder logic works on POSIX paths; the `_`
 * keeps an empty authority, as in `file:///x`, a path segment of its own).
 */
export function uriToBrowserPath(uri: string): string | undefined {
  const m = /^([a-zA-Z][\w+.-]*):\/\/([^/?#]*)([^?#]*)/.exec(uri);
  if (!m) return undefined;
  let p: string;
  try { p = decodeURIComponent(m[3] || '/'); } catch { return undefined; }
  return `/${m[1].toLowerCase()}/_${encodeURIComponent(m[2])}${p.startsWith('/') ? p : '/' + p}`.replace(/\/+$/, '') || '/';
}
export function browserPathToUri(p: string): string {
  const parts = p.split('/');
  const [scheme, auth, ...rest] = parts.slice(1);
  return `${scheme}://${decodeURIComponent((auth ?? '').replace(/^_/, ''))}/${rest.map((s) => encodeURIComponent(s)).join('/')}`;
}
