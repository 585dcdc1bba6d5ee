/** Snippets of README.md, read verbatim by the editor e2e tests (so the README is what is tested). */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const REPO = path.resolve(__dirname, '../..');

/** The first ```<lang> block after the text `section` in README.md. */
export function readmeSnippet(section: string, lang: string): string {
  const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const at = readme.indexOf(section);
  assert.ok(at >= 0, `README has no ${section}`);
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(readme.slice(at));
  assert.ok(m, `no \`\`\`${lang} block after ${section}`);
  return m[1];
}
