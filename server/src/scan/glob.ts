/**
 * Glob matching in time linear in the path (for a pattern of bounded size), for `ignore` globs of
 * `.lpg.json` and the editor's `lpg.exclude`: a hostile repository's configuration cannot make a scan
 * hang. picomatch (used before) compiles globs to backtracking regular expressions: `** /*a*a*a*a*a*a*a*b`
 * against a 40-character path took 0.7 s there, and the time grows exponentially with the number of `*`.
 *
 * Here a path is matched segment by segment with the greedy wildcard algorithm (one backtrack point,
 * O(pattern × path) steps), `**` segments over path segments the same way. Syntax: `*` (any characters
 * but `/`), `**` as a whole segment (any number of segments), `?`, `[abc]`, `[a-z]`, `[!a]` / `[^a]`,
 * `{a,b}` alternatives (expanded up front), `\` escapes. Patterns are limited up front (GLOB_LIMITS);
 * extended globs (`+(a|b)`, `@(...)`, `!(...)`, `*(...)`, `?(...)`) are refused with a clear error.
 */

export const GLOB_LIMITS = { maxLength: 1024, maxAlternatives: 256 } as const;

export class GlobError extends Error {}

type Tok = { k: 'star' } | { k: 'any' } | { k: 'lit'; c: string } | { k: 'set'; neg: boolean; ranges: [string, string][] };
type Seg = { k: 'globstar' } | { k: 'toks'; toks: Tok[] };

/** Expands `{a,b}` alternatives (nested allowed), at most GLOB_LIMITS.maxAlternatives results. */
function expandBraces(p: string): string[] {
  // find the first top-level `{` with a matching `}` holding a top-level `,`
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') { i++; continue; }
    if (c === '[') { const j = classEnd(p, i); if (j > 0) { i = j; continue; } }
    if (c !== '{') continue;
    let depth = 0;
    const commas: number[] = [];
    let end = -1;
    for (let j = i; j < p.length; j++) {
      const d = p[j];
      if (d === '\\') { j++; continue; }
      if (d === '{') depth++;
      else if (d === '}') { depth--; if (depth === 0) { end = j; break; } }
      else if (d === ',' && depth === 1) commas.push(j);
    }
    if (end < 0 || !commas.length) continue; // a literal brace
    const head = p.slice(0, i), tail = p.slice(end + 1);
    const parts: string[] = [];
    let from = i + 1;
    for (const k of [...commas, end]) { parts.push(p.slice(from, k)); from = k + 1; }
    const out: string[] = [];
    for (const part of parts) {
      for (const x of expandBraces(head + part + tail)) {
        out.push(x);
        if (out.length > GLOB_LIMITS.maxAlternatives) throw new GlobError(`more than ${GLOB_LIMITS.maxAlternatives} alternatives after expanding {...}`);
      }
    }
    return out;
  }
  return [p];
}

/** Index of the `]` closing a class opened at `i`, or -1. */
function classEnd(p: string, i: number): number {
  let j = i + 1;
  if (p[j] === '!' || p[j] === '^') j++;
  if (p[j] === ']') j++;
  for (; j < p.length; j++) { if (p[j] === '\\') { j++; continue; } if (p[j] === ']') return j; }
  return -1;
}

function compileSegment(s: string): Tok[] {
  const toks: Tok[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) { toks.push({ k: 'lit', c: s[++i] }); continue; }
    if ((c === '+' || c === '@' || c === '!' || c === '*' || c === '?') && s[i + 1] === '(') throw new GlobError(`extended glob "${c}(...)" is not supported (use {a,b} alternatives)`);
    if (c === '*') { if (toks[toks.length - 1]?.k !== 'star') toks.push({ k: 'star' }); continue; }
    if (c === '?') { toks.push({ k: 'any' }); continue; }
    if (c === '[') {
      const end = classEnd(s, i);
      if (end > 0) {
        let j = i + 1;
        const neg = s[j] === '!' || s[j] === '^';
        if (neg) j++;
        const ranges: [string, string][] = [];
        while (j < end) {
          let a = s[j];
          if (a === '\\') a = s[++j];
          j++;
          if (s[j] === '-' && j + 1 < end) { let b = s[j + 1]; j += 2; if (b === '\\') b = s[j++]; ranges.push([a, b]); } else ranges.push([a, a]);
        }
        toks.push({ k: 'set', neg, ranges });
        i = end;
        continue;
      }
    }
    toks.push({ k: 'lit', c });
  }
  return toks;
}

function tokMatches(t: Tok, c: string): boolean {
  if (t.k === 'any') return true;
  if (t.k === 'lit') return t.c === c;
  if (t.k === 'set') { const inSet = t.ranges.some(([a, b]) => c >= a && c <= b); return t.neg ? !inSet : inSet; }
  return false;
}

/** Greedy wildcard match of one segment: O(|toks| × |s|). */
function segMatch(toks: Tok[], s: string): boolean {
  let ti = 0, si = 0, starT = -1, starS = 0;
  while (si < s.length) {
    if (ti < toks.length && toks[ti].k !== 'star' && tokMatches(toks[ti], s[si])) { ti++; si++; }
    else if (ti < toks.length && toks[ti].k === 'star') { starT = ti++; starS = si; }
    else if (starT >= 0) { ti = starT + 1; si = ++starS; }
    else return false;
  }
  while (ti < toks.length && toks[ti].k === 'star') ti++;
  return ti === toks.length;
}

/** Greedy match of segments, `**` matching any number of path segments: O(|segs| × |parts|) segment matches. */
function pathMatch(segs: Seg[], parts: string[]): boolean {
  let pi = 0, si = 0, starP = -1, starS = 0;
  while (si < parts.length) {
    const g = segs[pi];
    if (pi < segs.length && g.k === 'toks' && segMatch(g.toks, parts[si])) { pi++; si++; }
    else if (pi < segs.length && g.k === 'globstar') { starP = pi++; starS = si; }
    else if (starP >= 0) { pi = starP + 1; si = ++starS; }
    else return false;
  }
  while (pi < segs.length && segs[pi].k === 'globstar') pi++;
  return pi === segs.length;
}

/** Compiles a glob (relative, `/` separators) to a predicate on `/`-separated relative paths. Throws GlobError. */
export function compileGlob(glob: string): (path: string) => boolean {
  if (glob.length > GLOB_LIMITS.maxLength) throw new GlobError(`longer than ${GLOB_LIMITS.maxLength} characters`);
  const alternatives = expandBraces(glob).map((p) => {
    const segs: Seg[] = [];
    for (const s of p.split('/')) {
      if (s === '') continue; // `a//b`, leading or trailing `/`
      if (s === '**') { if (segs[segs.length - 1]?.k !== 'globstar') segs.push({ k: 'globstar' }); continue; }
      segs.push({ k: 'toks', toks: compileSegment(s) });
    }
    return segs;
  });
  return (path) => {
    const parts = path.split('/').filter((x) => x !== '');
    return alternatives.some((segs) => pathMatch(segs, parts));
  };
}
