/**
 * Preloaded (`node -r`) into the CLI and the server by the robustness tests, in the main thread and
 * in worker threads (they inherit execArgv). Three jobs:
 *  - no network, no child processes, no eval: every network entry point (net, tls, dns, http, https,
 *    http2, fetch, dgram), every child_process function and vm/eval throw and are recorded;
 *  - fault injection for reads (LPG_FAULT_VANISH: a file deleted just before it is read;
 *    LPG_FAULT_EACCES: a file that cannot be read, as a non-root user would see it);
 *  - the record goes to the file LPG_GUARD_LOG (one JSON line per forbidden call).
 */
'use strict';
const fs = require('fs');
const log = process.env.LPG_GUARD_LOG;
function record(what) {
  const line = JSON.stringify({ what, pid: process.pid, stack: new Error().stack.split('\n').slice(2, 6).join(' | ') }) + '\n';
  if (log) try { fs.appendFileSync(log, line); } catch { /* ignore */ }
}
function forbid(mod, name, label) {
  const orig = mod[name];
  if (typeof orig !== 'function') return;
  mod[name] = function forbidden() { record(label); throw new Error(`lpg robustness guard: ${label} is forbidden`); };
}
for (const m of ['net', 'tls', 'http', 'https', 'http2', 'dgram', 'child_process']) {
  const mod = require(m);
  for (const k of Object.keys(mod)) {
    if (typeof mod[k] !== 'function' || /^[A-Z]/.test(k)) continue; // leave classes (Socket, Agent, ...) alone: constructing them does no I/O
    if (m === 'net' && (k === 'isIP' || k === 'isIPv4' || k === 'isIPv6' || k === 'getDefaultAutoSelectFamily' || k === 'setDefaultAutoSelectFamily' || k === 'getDefaultAutoSelectFamilyAttemptTimeout' || k === 'setDefaultAutoSelectFamilyAttemptTimeout')) continue;
    forbid(mod, k, `${m}.${k}`);
  }
}
const dns = require('dns');
for (const k of ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname', 'resolveMx', 'resolveNs', 'resolveTxt', 'resolveSrv', 'reverse']) {
  forbid(dns, k, `dns.${k}`);
  if (dns.promises) forbid(dns.promises, k, `dns.promises.${k}`);
}
if (typeof globalThis.fetch === 'function') globalThis.fetch = function () { record('fetch'); return Promise.reject(new Error('lpg robustness guard: fetch is forbidden')); };
const vm = require('vm');
for (const k of ['runInContext', 'runInNewContext', 'runInThisContext', 'compileFunction']) forbid(vm, k, `vm.${k}`);

const vanish = process.env.LPG_FAULT_VANISH;
const eacces = process.env.LPG_FAULT_EACCES;
if (vanish || eacces) {
  const wrap = (name) => {
    const orig = fs[name];
    fs[name] = function (p, ...rest) {
      const s = typeof p === 'string' ? p : p instanceof URL ? p.pathname : '';
      if (vanish && s.endsWith(vanish) && fs.existsSync(s)) fs.unlinkSync(s);
      if (eacces && s.endsWith(eacces)) { const e = new Error(`EACCES: permission denied, open '${s}'`); e.code = 'EACCES'; e.errno = -13; e.syscall = 'open'; e.path = s; throw e; }
      return orig.call(this, p, ...rest);
    };
  };
  wrap('readFileSync');
  wrap('statSync');
  wrap('openSync');
  const origP = fs.promises.readFile;
  fs.promises.readFile = function (p, ...rest) {
    const s = typeof p === 'string' ? p : '';
    if (vanish && s.endsWith(vanish) && fs.existsSync(s)) fs.unlinkSync(s);
    if (eacces && s.endsWith(eacces)) { const e = new Error(`EACCES: permission denied, open '${s}'`); e.code = 'EACCES'; return Promise.reject(e); }
    return origP.call(this, p, ...rest);
  };
}

// LPG_FAULT_HCL2JSON_DIE=1: HashiCorp's parser worker dies on each request (as an out-of-memory kill would do).
if (process.env.LPG_FAULT_HCL2JSON_DIE) {
  const wt = require('worker_threads');
  const post = wt.Worker.prototype.postMessage;
  wt.Worker.prototype.postMessage = function (m, ...rest) {
    if (m && typeof m === 'object' && m.name === '__lpg__.tf' && !/^locals \{/.test(m.text)) { void this.terminate(); return; }
    return post.call(this, m, ...rest);
  };
}

// LPG_FAULT_ENOSPC=name: the disk is full when a temporary file for `name` is written (as `lpg scan --fix` does).
if (process.env.LPG_FAULT_ENOSPC) {
  const name = process.env.LPG_FAULT_ENOSPC;
  const full = new Set();
  const open = fs.openSync;
  fs.openSync = function (p, ...rest) {
    const fd = open.call(this, p, ...rest);
    if (typeof p === 'string' && p.includes(`.${name}.lpg-`)) full.add(fd);
    return fd;
  };
  for (const k of ['writeFileSync', 'writeSync']) {
    const orig = fs[k];
    fs[k] = function (fd, ...rest) {
      if (typeof fd === 'number' && full.has(fd)) { full.delete(fd); const e = new Error('ENOSPC: no space left on device, write'); e.code = 'ENOSPC'; e.errno = -28; e.syscall = 'write'; throw e; }
      return orig.call(this, fd, ...rest);
    };
  }
}
