/**
 * CI report formats of `lpg scan`: GitLab Code Quality (`--format gitlab`) and JUnit XML
 * (`--format junit`). Pure functions of the results, like format.ts.
 */
import type { RuleMeta, Severity } from '../core/types';
import type { OutError, OutFinding, Summary } from './format';

export interface CiFinding extends OutFinding {
  /** Path relative to the working directory (the repository root in CI), `/` separators. */
  fingerprintFile: string;
  fingerprint?: string;
}

// ---------- GitLab Code Quality ----------

/** GitLab's scale is info, minor, major, critical, blocker. */
const GITLAB_SEVERITY: Record<Severity, 'info' | 'minor' | 'major'> = { info: 'info', warning: 'minor', error: 'major' };

/**
 * A JSON array of Code Quality issues, the subset of the Code Climate spec GitLab reads
 * (`description`, `check_name`, `fingerprint`, `severity`, `location.path`, `location.lines.begin`),
 * plus `type` and `categories` from the Code Climate spec.
 */
export function formatGitlab(items: CiFinding[], rules: RuleMeta[]): string {
  const kind = new Map(rules.map((r) => [r.id, r.kind]));
  const issues = items.map((it) => {
    const f = it.finding;
    const k = kind.get(f.ruleId);
    return {
      type: 'issue',
      description: f.message,
      check_name: f.ruleId,
      categories: [k === 'exposure' ? 'Security' : 'Bug Risk'],
      fingerprint: it.fingerprint ?? '',
      severity: GITLAB_SEVERITY[f.severity],
      location: { path: it.fingerprintFile, lines: { begin: f.range.start.line + 1, end: f.range.end.line + 1 } },
    };
  });
  return JSON.stringify(issues, null, 2) + '\n';
}

// ---------- JUnit XML ----------

function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

function xmlText(s: string): string {
  // XML 1.0 cannot carry most control characters at all, not even escaped: print them as \xNN.
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'))
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * One `<testsuite>` per file with findings (its `<testcase>`s are the findings, each with a
 * `<failure>`), one `lpg` suite for files that could not be read (`<error>`), and a passing
 * `lpg` test case when there is nothing to report, so that a clean run shows as a passed test.
 */
export function formatJunit(items: CiFinding[], errors: OutError[], summary: Summary): string {
  const byFile = new Map<string, CiFinding[]>();
  for (const it of items) {
    const list = byFile.get(it.fingerprintFile) ?? [];
    list.push(it);
    byFile.set(it.fingerprintFile, list);
  }
  const suites: string[] = [];
  for (const [file, list] of byFile) {
    const cases = list.map((it) => {
      const f = it.finding;
      const pos = `${f.range.start.line + 1}:${f.range.start.character + 1}`;
      return `    <testcase classname="${xmlAttr(file)}" name="${xmlAttr(`${f.ruleId} at ${pos}`)}" time="0">\n` +
        `      <failure type="${xmlAttr(f.ruleId)}" message="${xmlAttr(f.message)}">${xmlText(`${file}:${pos} ${f.severity} ${f.message} [${f.ruleId}]`)}</failure>\n` +
        '    </testcase>';
    });
    suites.push(`  <testsuite name="${xmlAttr(file)}" tests="${list.length}" failures="${list.length}" errors="0" skipped="0" time="0">\n${cases.join('\n')}\n  </testsuite>`);
  }
  if (errors.length) {
    const cases = errors.map((e) => `    <testcase classname="lpg" name="${xmlAttr(e.file !== undefined ? `read ${e.file}` : 'lpg')}" time="0">\n      <error type="lpg" message="${xmlAttr(e.message)}">${xmlText((e.file !== undefined ? e.file + ': ' : '') + e.message)}</error>\n    </testcase>`);
    suites.push(`  <testsuite name="lpg" tests="${errors.length}" failures="0" errors="${errors.length}" skipped="0" time="0">\n${cases.join('\n')}\n  </testsuite>`);
  } else if (!items.length) {
    suites.push(`  <testsuite name="lpg" tests="1" failures="0" errors="0" skipped="0" time="0">\n    <testcase classname="lpg" name="${xmlAttr(`no findings in ${summary.files} ${summary.files === 1 ? 'file' : 'files'}`)}" time="0"/>\n  </testsuite>`);
  }
  const tests = items.length + (errors.length || (items.length ? 0 : 1));
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="lpg" tests="${tests}" failures="${items.length}" errors="${errors.length}" time="0">\n${suites.join('\n')}\n</testsuites>\n`;
}
