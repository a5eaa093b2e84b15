// A tiny Markdown reader for document previews that builds DOM nodes (headings, paragraphs, lists, quotes, code, emphasis, links to http/https only): the text of a document never becomes HTML.
import { h } from '../dom.js';

/** renderMarkdown('# Titre\n\nTexte *important*') → an array of block nodes. */
export function renderMarkdown(source) {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (!line.trim()) {
      i += 1;
      continue;
    }
    const fence = /^\s*(```|~~~)/.exec(line);
    if (fence) {
      const code = [];
      i += 1;
      while (i < lines.length && !lines[i].trim().startsWith(fence[1])) code.push(lines[i++]);
      i += 1;
      blocks.push(h('pre', {}, h('code', { text: code.join('\n') })));
      continue;
    }
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      // Document headings sit under the page's own h1 and h2: shift them down, at most h6.
      const level = Math.min(6, heading[1].length + 2);
      blocks.push(h(`h${level}`, {}, inline(heading[2])));
      i += 1;
      continue;
    }
    if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      blocks.push(h('hr'));
      i += 1;
      continue;
    }
    const listMatch = /^\s*([-*+]|\d+[.)])\s+/.exec(line);
    if (listMatch) {
      const ordered = /\d/.test(listMatch[1]);
      const items = [];
      while (i < lines.length) {
        const m = /^\s*([-*+]|\d+[.)])\s+(.*)$/.exec(lines[i]);
        if (!m || /\d/.test(m[1]) !== ordered) break;
        let text = m[2];
        i += 1;
        // Continuation lines (indented, not a new item) belong to the item.
        while (i < lines.length && /^\s{2,}\S/.test(lines[i]) && !/^\s*([-*+]|\d+[.)])\s+/.test(lines[i])) text += ` ${lines[i++].trim()}`;
        items.push(h('li', {}, inline(text)));
      }
      blocks.push(h(ordered ? 'ol' : 'ul', {}, items));
      continue;
    }
    if (/^\s*>/.test(line)) {
      const quoted = [];
      while (i < lines.length && /^\s*>/.test(lines[i])) quoted.push(lines[i++].replace(/^\s*>\s?/, ''));
      blocks.push(h('blockquote', {}, renderMarkdown(quoted.join('\n'))));
      continue;
    }
    const para = [];
    while (i < lines.length && lines[i].trim() && !/^\s*(#{1,6}\s|```|~~~|>|([-*+]|\d+[.)])\s+)/.test(lines[i])) para.push(lines[i++].trim());
    if (!para.length) para.push(lines[i++].trim());
    blocks.push(h('p', {}, inline(para.join(' '))));
  }
  return blocks;
}

// Inline spans, earliest match first: `code`, [text](url), **strong**, *em* or _em_.
const INLINE = /`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\)|\*\*(.+?)\*\*|__(.+?)__|\*([^*\s](?:[^*]*[^*\s])?)\*|\b_([^_\s](?:[^_]*[^_\s])?)_\b/;

function inline(text) {
  const out = [];
  let rest = text;
  while (rest) {
    const m = INLINE.exec(rest);
    if (!m) {
      out.push(rest);
      break;
    }
    if (m.index) out.push(rest.slice(0, m.index));
    if (m[1] !== undefined) out.push(h('code', { text: m[1] }));
    else if (m[2] !== undefined) out.push(link(m[2], m[3]));
    else if (m[4] !== undefined || m[5] !== undefined) out.push(h('strong', {}, inline(m[4] ?? m[5])));
    else out.push(h('em', {}, inline(m[6] ?? m[7])));
    rest = rest.slice(m.index + m[0].length);
  }
  return out;
}

/** A link only to http and https addresses (never javascript:, data: or a path of ours); anything else stays text. */
function link(label, href) {
  let url;
  try {
    url = new URL(href);
  } catch {
    return `[${label}](${href})`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `[${label}](${href})`;
  return h('a', { href: url.href, rel: 'noopener noreferrer nofollow', target: '_blank' }, inline(label));
}
