/** The page's renderer of the rule pages (web/src/markdown.ts): the subset docs/rules/*.md use, everything escaped. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { renderMarkdown } from '../../../web/src/markdown';

describe('page: rule page Markdown', () => {
  it('renders headings, paragraphs, lists, code and bold; escapes HTML', () => {
    assert.strictEqual(renderMarkdown('# `a<b>`\n\n**x** & y\nz\n\n- one `<i>`\n  more\n- [two](two.md)\n\n```hcl\nx = "<y>"\n```\n<!-- gen -->\n'),
      '<h2><code>a&lt;b&gt;</code></h2>\n<p><strong>x</strong> &amp; y z</p>\n<ul><li>one <code>&lt;i&gt;</code> more</li><li><a href="#" data-rule="two">two</a></li></ul>\n<pre><code>x = &quot;&lt;y&gt;&quot;</code></pre>');
  });

  it('never emits a link to another address (the page opens nothing outside itself)', () => {
    assert.strictEqual(renderMarkdown('see [AWS](https://docs.aws.amazon.com/x) "q"'), '<p>see AWS (https://docs.aws.amazon.com/x) &quot;q&quot;</p>');
  });

  it('renders every rule page with no raw < or stray markup', () => {
    const dir = path.resolve(__dirname, '../../../docs/rules');
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.md'))) {
      const html = renderMarkdown(fs.readFileSync(path.join(dir, f), 'utf8'));
      const text = html.replace(/<\/?(h\d|p|ul|li|pre|code|strong)>|<a href="#" data-rule="[\w-]+">|<\/a>/g, '');
      assert.ok(!/[<>]/.test(text), `${f}: ${text.match(/.{0,40}[<>].{0,40}/)?.[0]}`);
      assert.ok(!html.includes('```') && !html.includes('**'), f);
    }
  });
});
