/**
 * What the editor must produce for the examples/ step of the UI test: the analysis core's own preferred
 * fix of a finding, applied to the folder's files (the same edit the CLI's --fix writes). The UI test
 * checks that the whole editor pipeline (server, code action, Ctrl+., Enter, save) yields exactly it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, applyFix, ready } from '../../unit/helpers';
import type { Finding, Fix } from '../../../server/src/core/types';

export async function preferredFix(dir: string, file: string, ruleId: string): Promise<{ finding: Finding; fix: Fix; text: string }> {
  await ready();
  const files: Record<string, string> = {};
  for (const f of fs.readdirSync(dir)) if (/\.(tf|tf\.json|tfvars|json)$/.test(f)) files[f] = fs.readFileSync(path.join(dir, f), 'utf8');
  const finding = analyze(files).find((x) => x.ruleId === ruleId && x.file === file);
  if (!finding) throw new Error(`${dir}/${file} has no ${ruleId} finding`);
  const fix = finding.fixes.find((x) => x.preferred);
  if (!fix) throw new Error(`${ruleId} in ${file} has no preferred fix: ${finding.fixes.map((x) => x.title).join(', ')}`);
  if (fix.edits.some((e) => e.file !== file)) throw new Error('the fix edits other files');
  return { finding, fix, text: applyFix(files, fix)[file] };
}
