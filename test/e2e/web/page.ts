/**
 * Drives the built page (dist/web) in Debian's Chromium through playwright-core: a local static
 * server (the same one as `lpg web`), every request recorded, share links encoded/decoded as the
 * page does (deflate-raw + base64url in the URL fragment). Used by page.test.ts and `npm run bench`.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import type { AddressInfo } from 'net';
import type { Server } from 'http';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { serveStatic } from '../../../server/src/cli/web';

export const REPO = path.resolve(__dirname, '../../..');
export const WEB_ROOT = path.join(REPO, 'dist', 'web');
export const CHROMIUM = process.env.LPG_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The page's own files: the only requests it may make. */
export function ownFiles(): string[] { return fs.readdirSync(WEB_ROOT).filter((f) => !f.endsWith('.map') && !f.endsWith('.LEGAL.txt')); }

export interface PageHarness { server: Server; base: string; browser: Browser; context: BrowserContext; requests: string[]; close(): Promise<void> }

export async function openHarness(): Promise<PageHarness> {
  if (!fs.existsSync(path.join(WEB_ROOT, 'index.html'))) throw new Error('dist/web is missing: run npm run build');
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
  const server = await serveStatic(WEB_ROOT, 0);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base.slice(0, -1) });
  const requests: string[] = [];
  context.on('request', (r) => { requests.push(r.url()); });
  return {
    server, base, browser, context, requests,
    close: async () => { await browser.close().catch(() => undefined); await new Promise((r) => server.close(r)); },
  };
}

/** The share-link fragment of some files (what the page's "Copy share link" writes). */
export function shareFragment(files: { name: string; text: string }[]): string {
  const json = JSON.stringify({ v: 1, files: files.map((f) => [f.name, f.text]) });
  return '#z=' + zlib.deflateRawSync(Buffer.from(json, 'utf8')).toString('base64url');
}

/** The files a share link holds. */
export function readFragment(url: string): { name: string; text: string }[] {
  const i = url.indexOf('#z=');
  if (i < 0) throw new Error('no share fragment in ' + url);
  const v = JSON.parse(zlib.inflateRawSync(Buffer.from(url.slice(i + 3), 'base64url')).toString('utf8')) as { files: [string, string][] };
  return v.files.map(([name, text]) => ({ name, text }));
}

export const SQUIGGLE = '.cm-lintRange-error, .cm-lintRange-warning, .cm-lintRange-info';

/** Waits (polling each frame) until the page is ready. */
export async function waitReady(page: Page): Promise<void> {
  await page.waitForSelector('body[data-ready=true]', { timeout: 60_000 });
}
