/**
 * The paste-and-fix page: CodeMirror 6 editor (squiggles, hover, quick-fix buttons from
 * @codemirror/lint), one tab per file (the tabs form one Terraform folder), the analysis core in a
 * Web Worker. Nothing is sent anywhere: the page's Content-Security-Policy allows only its own
 * files, and the share link keeps the text in the URL fragment (never sent to a server).
 */
import { Compartment, EditorState, type Extension } from '@codemirror/state';
import { EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, drawSelection } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { linter, lintGutter, lintKeymap, forceLinting, type Diagnostic, type Action } from '@codemirror/lint';
import { createTwoFilesPatch } from 'diff';
import type { Finding, Fix, RuleMeta } from '../../server/src/core/types';
import type { PageFile, Request, Response } from './protocol';
import { EXAMPLES, type Example } from './examples';
import { RULE_DOCS } from './rule-docs';
import { renderMarkdown } from './markdown';

// ------------------------------------------------------------------ worker

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
let nextId = 1;
const pending = new Map<number, (r: Response) => void>();
let rules: RuleMeta[] = [];
const workerReady = new Promise<void>((resolve, reject) => {
  worker.onmessage = (ev: MessageEvent<Response>) => {
    const r = ev.data;
    if (r.kind === 'ready') { rules = r.rules; resolve(); return; }
    if (r.kind === 'failed') { reject(new Error(r.message)); return; }
    pending.get(r.id)?.(r);
    pending.delete(r.id);
  };
});
workerReady.catch((e) => setStatus(`The analyser failed to start: ${(e as Error).message}`, true));

function ask<K extends Request['kind']>(kind: K, files: PageFile[]): Promise<Extract<Response, { kind: K }>> {
  const id = nextId++;
  return workerReady.then(() => new Promise((resolve, reject) => {
    pending.set(id, (r) => (r.kind === 'error' ? reject(new Error(r.message)) : resolve(r as Extract<Response, { kind: K }>)));
    worker.postMessage({ id, kind, files } as Request);
  }));
}

// ------------------------------------------------------------------ tabs

interface Tab { name: string; state: EditorState; findings: Finding[] }
const tabs: Tab[] = [];
let active = 0;
let view: EditorView;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function files(): PageFile[] {
  saveActive();
  return tabs.map((t) => ({ path: t.name, text: t.state.sliceDoc() }));
}

function saveActive(): void { if (view && tabs[active]) tabs[active].state = view.state; }

/** Per tab: the line separator of its text (CRLF text stays CRLF: Fix all and the share link keep the bytes). */
const eol = new Compartment();
const eolOf = (text: string) => EditorState.lineSeparator.of(/\r\n/.test(text) ? '\r\n' : '\n');

function newState(text: string): EditorState {
  return EditorState.create({ doc: text, extensions: [eol.of(eolOf(text)), extensions()] });
}

function extensions(): Extension[] {
  return [
    lineNumbers(), highlightActiveLineGutter(), highlightActiveLine(), drawSelection(), history(),
    lintGutter(),
    linter(lintSource, { delay: 150 }),
    keymap.of([...defaultKeymap, ...historyKeymap, ...lintKeymap, indentWithTab]),
    EditorView.updateListener.of((u) => { if (u.docChanged) tabs[active].state = u.state; }),
    EditorView.domEventHandlers({ paste: (e, v) => pasteIntoEmpty(v, e.clipboardData?.getData('text/plain')) }),
  ];
}

function uniqueName(base: string, except = -1): string {
  const dot = base.indexOf('.');
  const stem = dot < 0 ? base : base.slice(0, dot), ext = dot < 0 ? '' : base.slice(dot);
  let n = base, i = 2;
  while (tabs.some((t, k) => k !== except && t.name === n)) n = `${stem}-${i++}${ext}`;
  return n;
}

/**
 * A paste into an empty tab: the tab takes the text's line separator (CRLF text stays CRLF, so Fix
 * all and the share link keep its bytes) and, while still `untitled…`, a name: a CloudFormation/SAM
 * template -> template.yaml/.json, other JSON -> policy.json or get-policy.json, else main.tf.
 * Returns true when it handled the paste.
 */
function pasteIntoEmpty(v: EditorView, text: string | undefined): boolean {
  const t = tabs[active];
  if (!t || !text || v.state.doc.length > 0) return false;
  if (/^untitled/.test(t.name)) {
    const s = text.trimStart();
    const json = s.startsWith('{') || s.startsWith('[');
    // a CloudFormation / SAM template: resource types AWS::X::Y under Resources
    const template = /AWSTemplateFormatVersion|AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/.test(s) && /(^|\n)\s*"?Resources"?\s*:/.test(s);
    const base = template ? (json ? 'template.json' : 'template.yaml') : json ? (/"Policy"\s*:/.test(s) ? 'get-policy.json' : 'policy.json') : 'main.tf';
    t.name = uniqueName(base, active);
    renderTabs();
  }
  v.dispatch({ effects: eol.reconfigure(eolOf(text)) });
  v.dispatch({ changes: { from: 0, insert: text }, selection: { anchor: v.state.toText(text).length }, userEvent: 'input.paste', scrollIntoView: true });
  return true;
}

function addTab(name: string, text: string, activate = true): void {
  saveActive();
  tabs.push({ name: uniqueName(name), state: newState(text), findings: [] });
  if (activate) switchTo(tabs.length - 1); else renderTabs();
}

function switchTo(i: number): void {
  saveActive();
  active = i;
  view.setState(tabs[i].state);
  renderTabs();
  view.focus();
}

function closeTab(i: number): void {
  saveActive();
  tabs.splice(i, 1);
  if (!tabs.length) tabs.push({ name: 'untitled.tf', state: newState(''), findings: [] });
  active = Math.min(active, tabs.length - 1);
  view.setState(tabs[active].state);
  renderTabs();
  relint();
}

function replaceAll(list: { name: string; text: string }[]): void {
  tabs.length = 0;
  for (const f of list) tabs.push({ name: uniqueName(f.name), state: newState(f.text), findings: [] });
  if (!tabs.length) tabs.push({ name: 'untitled.tf', state: newState(''), findings: [] });
  active = 0;
  view.setState(tabs[0].state);
  renderTabs();
  renderProblems();
}

function renderTabs(): void {
  const bar = $('tabs');
  bar.replaceChildren();
  tabs.forEach((t, i) => {
    const el = document.createElement('div');
    el.className = 'tab' + (i === active ? ' active' : '');
    el.setAttribute('role', 'tab');
    el.setAttribute('aria-selected', String(i === active));
    el.dataset.name = t.name;
    const label = document.createElement('span');
    label.className = 'tab-name';
    label.textContent = t.name;
    label.title = 'Double-click to rename (.tf, .tf.json, .json)';
    label.ondblclick = () => renameTab(i, label);
    const n = t.findings.length;
    const badge = document.createElement('span');
    badge.className = 'badge' + (t.findings.some((f) => f.severity === 'error') ? ' err' : n ? ' warn' : '');
    badge.textContent = n ? String(n) : '';
    const x = document.createElement('button');
    x.className = 'tab-close';
    x.textContent = '×';
    x.title = 'Close ' + t.name;
    x.onclick = (e) => { e.stopPropagation(); closeTab(i); };
    el.append(label, badge, x);
    el.onclick = () => { if (i !== active) switchTo(i); };
    bar.append(el);
  });
}

function renameTab(i: number, label: HTMLElement): void {
  const input = document.createElement('input');
  input.className = 'tab-rename';
  input.value = tabs[i].name;
  label.replaceWith(input);
  input.focus();
  input.select();
  let done = false;
  const finish = (ok: boolean) => {
    if (done) return;
    done = true;
    const v = input.value.trim().replace(/[\\/]/g, '_');
    if (ok && v) tabs[i].name = uniqueName(v, i);
    renderTabs();
    relint();
  };
  input.onkeydown = (e) => { if (e.key === 'Enter') finish(true); if (e.key === 'Escape') finish(false); };
  input.onblur = () => finish(true);
}

// ------------------------------------------------------------------ diagnostics

function offsetOf(state: EditorState, p: { line: number; character: number }): number {
  const doc = state.doc;
  if (p.line + 1 > doc.lines) return doc.length;
  const l = doc.line(p.line + 1);
  return Math.min(l.from + p.character, l.to);
}

let lastMs = 0;
let analyses = 0;

/** The analysis the worker is running (at most one is asked for at a time: fast typing on a big file must not queue them). */
let inflight: Promise<unknown> | undefined;

async function lintSource(v: EditorView): Promise<Diagnostic[]> {
  const state = v.state;
  while (inflight) await inflight.catch(() => undefined);
  // edited meanwhile: the linter runs again for the newer text and drops this answer anyway
  if (v.state.doc !== state.doc) return [];
  const run = lintNow(v, state);
  inflight = run;
  try { return await run; } finally { if (inflight === run) inflight = undefined; }
}

async function lintNow(v: EditorView, state: EditorState): Promise<Diagnostic[]> {
  const name = tabs[active].name;
  const all = files();
  all[active] = { path: name, text: state.sliceDoc() };
  const r = await ask('analyze', all);
  lastMs = r.ms;
  analyses++;
  const byFile = new Map<string, Finding[]>();
  for (const f of r.findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  for (const t of tabs) t.findings = byFile.get(t.name) ?? [];
  renderTabs();
  renderProblems();
  setStatus(`${r.findings.length} finding${r.findings.length === 1 ? '' : 's'} in ${tabs.length} file${tabs.length === 1 ? '' : 's'} · analysed in ${Math.round(r.ms)} ms`);
  document.body.dataset.analyses = String(analyses);
  if (v.state.doc !== state.doc) return [];
  return (byFile.get(name) ?? []).map((f) => toDiagnostic(f, state));
}

function toDiagnostic(f: Finding, state: EditorState): Diagnostic {
  const from = offsetOf(state, f.range.start);
  const to = Math.max(from, offsetOf(state, f.range.end));
  const actions: Action[] = f.fixes.map((fix) => ({
    name: (fix.preferred ? '★ ' : '') + fix.title,
    markClass: fix.preferred ? 'preferred' : undefined,
    apply: () => applyFix(fix),
  }));
  return {
    from, to, message: f.message, source: 'lpg', actions,
    severity: f.severity,
    renderMessage: () => {
      const el = document.createElement('div');
      el.className = 'lpg-msg';
      el.append(document.createTextNode(f.message + ' '));
      el.append(ruleLink(f.ruleId));
      for (const r of f.related) {
        const rel = document.createElement('div');
        rel.className = 'related';
        rel.textContent = `${r.file}:${r.range.start.line + 1}:${r.range.start.character + 1}: ${r.message}`;
        el.append(rel);
      }
      return el;
    },
  };
}

function ruleLink(id: string): HTMLElement {
  const a = document.createElement('a');
  a.href = '#';
  a.className = 'rule-link';
  a.textContent = `[${id}]`;
  a.title = 'Show the rule\'s documentation';
  a.onclick = (e) => { e.preventDefault(); showRule(id); };
  return a;
}

/** Applies one fix: its edits may change other tabs (a permission added beside the function, say). */
function applyFix(fix: Fix): void {
  saveActive();
  const byFile = new Map<string, Fix['edits']>();
  for (const e of fix.edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  for (const [file, edits] of byFile) {
    const i = tabs.findIndex((t) => t.name === file);
    if (i < 0) continue;
    const st = tabs[i].state;
    const changes = edits.map((e) => ({ from: offsetOf(st, e.range.start), to: offsetOf(st, e.range.end), insert: e.newText }));
    if (i === active) view.dispatch({ changes, userEvent: 'input.fix' });
    else tabs[i].state = st.update({ changes }).state;
  }
  relint();
}

function relint(): void { forceLinting(view); }

function renderProblems(): void {
  const ul = $('problems');
  ul.replaceChildren();
  let n = 0;
  tabs.forEach((t, i) => {
    for (const f of t.findings) {
      n++;
      const li = document.createElement('li');
      li.className = 'problem ' + f.severity;
      const loc = document.createElement('a');
      loc.href = '#';
      loc.className = 'loc';
      loc.textContent = `${t.name}:${f.range.start.line + 1}:${f.range.start.character + 1}`;
      loc.onclick = (e) => {
        e.preventDefault();
        if (i !== active) switchTo(i);
        const pos = offsetOf(view.state, f.range.start);
        view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
        view.focus();
      };
      const sev = document.createElement('span');
      sev.className = 'sev';
      sev.textContent = f.severity;
      li.append(loc, sev, document.createTextNode(' ' + f.message + ' '), ruleLink(f.ruleId));
      ul.append(li);
    }
  });
  $('problems-count').textContent = String(n);
}

// ------------------------------------------------------------------ rule docs

function showRule(id: string): void {
  const md = RULE_DOCS[id];
  const pane = $('docs');
  pane.hidden = false;
  $('docs-body').innerHTML = md ? renderMarkdown(md) : `<p>No documentation for ${escapeHtml(id)}.</p>`;
  $('docs-body').dataset.rule = id;
}

// ------------------------------------------------------------------ fix all

let fixAllResult: { path: string; before: string; after: string }[] = [];

async function fixAll(): Promise<void> {
  const before = files();
  setStatus('Fixing…');
  const r = await ask('fixAll', before);
  const old = new Map(before.map((f) => [f.path, f.text]));
  fixAllResult = r.texts.filter((f) => old.get(f.path) !== f.text).map((f) => ({ path: f.path, before: old.get(f.path)!, after: f.text }));
  const body = $('fixall-body');
  body.replaceChildren();
  const summary = document.createElement('p');
  summary.className = 'fixall-summary';
  summary.textContent = fixAllResult.length
    ? `${r.applied.length} fix${r.applied.length === 1 ? '' : 'es'} in ${fixAllResult.length} file${fixAllResult.length === 1 ? '' : 's'}; ${r.remaining} finding${r.remaining === 1 ? '' : 's'} left (they need a decision: see their quick fixes).`
    : `Nothing to fix automatically; ${r.remaining} finding${r.remaining === 1 ? '' : 's'} left (their quick fixes are suggestions to review one by one).`;
  body.append(summary);
  for (const x of r.rejected) {
    const p = document.createElement('p');
    p.className = 'rejected';
    p.textContent = `Not applied (${x.title}): ${x.reason}`;
    body.append(p);
  }
  for (const f of fixAllResult) {
    const sec = document.createElement('section');
    sec.className = 'fixall-file';
    sec.dataset.file = f.path;
    const h = document.createElement('h3');
    h.textContent = f.path;
    const copy = document.createElement('button');
    copy.className = 'copy-fixed';
    copy.textContent = 'Copy corrected text';
    const text = document.createElement('textarea');
    text.className = 'fixed-text';
    text.readOnly = true;
    text.value = f.after;
    text.hidden = true;
    copy.onclick = () => copyText(f.after, copy);
    h.append(' ', copy);
    const pre = document.createElement('pre');
    pre.className = 'diff';
    const patch = createTwoFilesPatch('a/' + f.path, 'b/' + f.path, f.before, f.after, undefined, undefined, { context: 3 }).replace(/^=+\n/, '');
    for (const line of patch.split('\n')) {
      const s = document.createElement('span');
      s.className = line.startsWith('+++') || line.startsWith('---') ? 'hdr' : line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : line.startsWith('@@') ? 'hunk' : '';
      s.textContent = line + '\n';
      pre.append(s);
    }
    sec.append(h, pre, text);
    body.append(sec);
  }
  ($('fixall-apply') as HTMLButtonElement).disabled = !fixAllResult.length;
  ($('fixall-copydiff') as HTMLButtonElement).disabled = !fixAllResult.length;
  ($('fixall') as HTMLDialogElement).showModal();
  setStatus('');
}

function applyFixAll(): void {
  saveActive();
  for (const f of fixAllResult) {
    const i = tabs.findIndex((t) => t.name === f.path);
    if (i < 0) continue;
    const st = tabs[i].state;
    const spec = { changes: { from: 0, to: st.doc.length, insert: f.after }, userEvent: 'input.fixall' };
    if (i === active) view.dispatch(spec); else tabs[i].state = st.update(spec).state;
  }
  ($('fixall') as HTMLDialogElement).close();
  relint();
}

async function copyText(text: string, button: HTMLElement): Promise<void> {
  const old = button.textContent;
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = 'Copied';
  } catch {
    button.textContent = 'Copy failed: select the text instead';
  }
  setTimeout(() => { button.textContent = old; }, 1500);
}

// ------------------------------------------------------------------ share link (URL fragment only)
// Written only when the user clicks "Copy share link" (typing never updates it): the text then sits in
// this page's URL, like any link the user copies, and is never sent (browsers keep fragments to themselves).

const SHARE_PREFIX = '#z=';
async function writeShare(): Promise<string> {
  const json = JSON.stringify({ v: 1, files: files().map((f) => [f.path, f.text]) });
  const bytes = await pipe(new TextEncoder().encode(json), new CompressionStream('deflate-raw'));
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  const hash = SHARE_PREFIX + btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  window.history.replaceState(null, '', hash);
  return location.href;
}

async function readShare(hash: string): Promise<{ name: string; text: string }[] | undefined> {
  if (!hash.startsWith(SHARE_PREFIX)) return undefined;
  try {
    const b64 = hash.slice(SHARE_PREFIX.length).replace(/-/g, '+').replace(/_/g, '/');
    const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    const json = new TextDecoder().decode(await pipe(bytes, new DecompressionStream('deflate-raw')));
    const v = JSON.parse(json) as { v: number; files: [string, string][] };
    if (v.v !== 1 || !Array.isArray(v.files)) throw new Error('unknown link format');
    return v.files.filter((f) => Array.isArray(f) && typeof f[0] === 'string' && typeof f[1] === 'string').map(([name, text]) => ({ name, text }));
  } catch (e) {
    setStatus(`The link's text could not be read: ${(e as Error).message}`, true);
    return undefined;
  }
}

async function pipe(bytes: Uint8Array, t: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(t);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

// ------------------------------------------------------------------ page

function setStatus(s: string, error = false): void {
  const el = $('status');
  el.textContent = s;
  el.classList.toggle('error', error);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function loadExample(ex: Example): void {
  replaceAll(ex.files.map((f) => ({ name: f.name, text: f.text })));
  relint();
}

async function start(): Promise<void> {
  view = new EditorView({ parent: $('editor'), state: newState('') });
  tabs.push({ name: 'untitled.tf', state: view.state, findings: [] });
  const shared = await readShare(location.hash);
  if (shared?.length) replaceAll(shared); else renderTabs();

  const exBar = $('examples');
  for (const ex of EXAMPLES) {
    const b = document.createElement('button');
    b.className = 'example';
    b.dataset.example = ex.id;
    b.textContent = ex.title;
    b.title = ex.description;
    b.onclick = () => loadExample(ex);
    exBar.append(b);
  }
  $('new-tab').onclick = () => addTab('untitled.tf', '');
  $('fix-all').onclick = () => void fixAll().catch((e) => setStatus(`Fix all failed: ${(e as Error).message}`, true));
  $('fixall-apply').onclick = applyFixAll;
  $('fixall-close').onclick = () => ($('fixall') as HTMLDialogElement).close();
  $('fixall-copydiff').onclick = (e) => {
    const b = e.currentTarget as HTMLElement;
    const all = fixAllResult.map((f) => createTwoFilesPatch('a/' + f.path, 'b/' + f.path, f.before, f.after, undefined, undefined, { context: 3 }).replace(/^=+\n/, '')).join('');
    void copyText(all, b);
  };
  $('docs-close').onclick = () => { $('docs').hidden = true; };
  // links between rule pages (the index's [id](id.md)) open in the pane; the page's fragment stays the share link
  $('docs-body').onclick = (e) => {
    const a = (e.target as HTMLElement).closest('a');
    if (!a) return;
    e.preventDefault();
    if (a.dataset.rule) showRule(a.dataset.rule);
  };
  $('share').onclick = async (e) => {
    const b = e.currentTarget as HTMLElement;
    const url = await writeShare();
    document.body.dataset.shares = String(Number(document.body.dataset.shares ?? 0) + 1);
    void copyText(url, b);
  };
  $('open-files').onchange = async (e) => {
    const input = e.target as HTMLInputElement;
    const list = [...(input.files ?? [])];
    const read = await Promise.all(list.map(async (f) => ({ name: f.name, text: await f.text() })));
    input.value = '';
    if (!read.length) return;
    saveActive();
    // a lone empty `untitled` tab gives way to the files; otherwise they join the open tabs
    if (tabs.length === 1 && !tabs[0].state.doc.length && /^untitled/.test(tabs[0].name)) replaceAll(read);
    else {
      for (const f of read) tabs.push({ name: uniqueName(f.name), state: newState(f.text), findings: [] });
      switchTo(tabs.length - read.length);
    }
    relint();
  };
  $('rules-list').replaceChildren();
  await workerReady;
  for (const r of rules) {
    const li = document.createElement('li');
    li.append(ruleLink(r.id), document.createTextNode(` ${r.title}`));
    $('rules-list').append(li);
  }
  document.body.dataset.ready = 'true';
  if (!shared?.length) setStatus('Ready: paste Terraform, a CloudFormation or SAM template, a policy JSON or `aws lambda get-policy` output, or pick an example.');
  relint();
}

void start();
