/**
 * Renders the rule pages' Markdown subset (headings, paragraphs, lists, fenced code, `code`, **bold**,
 * links) to HTML. Everything is escaped first; links become plain text with their target shown
 * (the page opens no outside address by itself).
 */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function inline(s: string): string {
  const parts = s.split(/(`[^`]*`)/);
  return parts.map((p) => {
    if (p.length >= 2 && p.startsWith('`') && p.endsWith('`')) return `<code>${esc(p.slice(1, -1))}</code>`;
    return esc(p)
      .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
      .replace(/\[([^\]]+)\]\(([^)]+)\)/g, (_m, text: string, href: string) => (/^[\w-]+\.md$/.test(href) ? `<a href="#" data-rule="${href.slice(0, -3)}">${text}</a>` : `${text} (${href})`));
  }).join('');
}

export function renderMarkdown(md: string): string {
  const out: string[] = [];
  const lines = md.replace(/<!--[\s\S]*?-->/g, '').split('\n');
  let para: string[] = [];
  let list: string[] | undefined;
  const flush = () => {
    if (para.length) out.push(`<p>${inline(para.join(' '))}</p>`);
    para = [];
    if (list) out.push(`<ul>${list.map((l) => `<li>${inline(l)}</li>`).join('')}</ul>`);
    list = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.startsWith('```')) {
      flush();
      const code: string[] = [];
      for (i++; i < lines.length && !lines[i].startsWith('```'); i++) code.push(lines[i]);
      out.push(`<pre><code>${esc(code.join('\n'))}</code></pre>`);
      continue;
    }
    const h = /^(#{1,4})\s+(.*)$/.exec(l);
    if (h) { flush(); out.push(`<h${h[1].length + 1}>${inline(h[2])}</h${h[1].length + 1}>`); continue; }
    const li = /^\s*[-*]\s+(.*)$/.exec(l);
    if (li) { if (para.length) { const p = para; para = []; out.push(`<p>${inline(p.join(' '))}</p>`); } (list ??= []).push(li[1]); continue; }
    if (!l.trim()) { flush(); continue; }
    if (list && /^\s+/.test(l)) { list[list.length - 1] += ' ' + l.trim(); continue; }
    para.push(l.trim());
  }
  flush();
  return out.join('\n');
}
