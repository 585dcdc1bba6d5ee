import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { assert } from './helpers';
import { expectedDocs, DOCS_DIR } from '../../scripts/rule-docs';
import { allRules } from '../../server/src/core/rules';
import { ruleDocsUrl } from '../../server/src/lsp/convert';

describe('rule documentation pages (docs/rules, the target of codeDescription.href)', () => {
  const want = expectedDocs();
  it('has one page per rule, matching its metadata (regenerate with npm run docs:rules)', () => {
    const have = fs.readdirSync(DOCS_DIR).filter((f) => f.endsWith('.md')).sort();
    assert.deepStrictEqual(have, [...want.keys()].sort());
    for (const [f, text] of want) assert.strictEqual(fs.readFileSync(path.join(DOCS_DIR, f), 'utf8'), text, `docs/rules/${f} is stale: npm run docs:rules`);
  });
  it('links every diagnostic to its page', () => {
    for (const r of allRules) {
      // the local page (shipped in the .vsix beside dist/): opens without network
      const url = ruleDocsUrl(r.meta.id)!;
      assert.strictEqual(url, pathToFileURL(path.join(DOCS_DIR, r.meta.id + '.md')).href);
      assert.ok(want.has(path.basename(url)));
    }
  });
});
