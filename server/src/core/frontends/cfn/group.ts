/**
 * How templates are analysed: each template is one stack (its logical ids are its own namespace),
 * analysed with the local files it includes (`DefinitionUri`, `AWS::Include`); the folder's other
 * files (Terraform, policy JSON) are analysed together as before. Findings on templates are
 * relabelled in CloudFormation terms, and fixes the writer could not render are dropped.
 */
import type { Finding } from '../../types';
import type { SourceFile } from '../../model/module';
import { cfnInfo, readTemplate, type CfnInfo } from './synth';
import { relabelFinding } from './labels';
import { NO_EDIT, SUGGEST } from './writer';
import { entry, get } from './parse';

export interface Group { files: SourceFile[]; post(f: Finding[]): Finding[] }

export function templateGroups(files: SourceFile[]): Group[] | undefined {
  const tpls = files.filter((f) => f.kind === 'cfn');
  if (!tpls.length) return undefined;
  const rest = files.filter((f) => f.kind !== 'cfn');
  const groups: Group[] = [];
  if (rest.length) groups.push({ files: rest, post: (x) => x });
  const byPath = new Map(files.map((f) => [f.path, f]));
  for (const t of tpls) {
    let tpl = t;
    const extra: SourceFile[] = [];
    const info0 = cfnInfo(t.syntax);
    if (info0?.includes.length) {
      const read = readTemplate(t.path, t.text, (rel) => { const f = byPath.get(rel); return f && f.kind !== 'cfn' ? { path: f.path, text: f.text } : undefined; });
      if (read) {
        tpl = { ...t, syntax: read.syntax };
        for (const x of read.extra) {
          const f = byPath.get(x.path);
          if (f) extra.push({ ...f, kind: 'cfn', syntax: { blocks: x.blocks, attrs: [], comments: [], errors: [] } });
        }
      }
    }
    const info = cfnInfo(tpl.syntax);
    groups.push({ files: [tpl, ...extra], post: (fs) => (info ? fs.map((f) => place(info, tpl, cleanFixes(relabelFinding(info, f)))) : fs) });
  }
  return groups;
}

/**
 * Where findings go in templates (RULES, CloudFormation section): credentials-role-cannot-invoke on the
 * integration's `Credentials`; function-url-missing-invoke-function on the `AWS::Lambda::Url`'s `AuthType`.
 */
function place(info: CfnInfo, tpl: SourceFile, f: Finding): Finding {
  if (f.file !== info.path) return f;
  if (f.ruleId === 'credentials-role-cannot-invoke') {
    const c = f.related.find((r) => r.message === 'credentials' && r.file === f.file);
    return c ? { ...f, range: c.range } : f;
  }
  if (f.ruleId === 'function-url-missing-invoke-function') {
    const at = tpl.lines.offsetAt(f.range.start);
    for (const r of info.resources.values()) {
      const urlCfg = r.type === 'AWS::Serverless::Function' ? entry(r.props, 'FunctionUrlConfig') : undefined;
      if (r.entry.keySpan.start !== at && urlCfg?.keySpan.start !== at) continue;
      const auth = r.type === 'AWS::Lambda::Url' ? entry(r.props, 'AuthType') : r.type === 'AWS::Serverless::Function' ? entry(get(r.props, 'FunctionUrlConfig'), 'AuthType') : undefined;
      if (auth) return { ...f, range: tpl.lines.range(auth.value.span.start, auth.value.span.end) };
    }
  }
  return f;
}

function cleanFixes(f: Finding): Finding {
  const fixes = f.fixes.filter((x) => x.edits.length > 0 && !x.edits.some((e) => e.newText.includes(NO_EDIT))).map((x) => {
    if (!x.edits.some((e) => e.newText.includes(SUGGEST))) return x;
    return { ...x, preferred: false, edits: x.edits.map((e) => ({ ...e, newText: e.newText.split(SUGGEST).join('') })) };
  });
  return { ...f, fixes };
}

export type { CfnInfo };
