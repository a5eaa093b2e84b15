// Static checks of the web app's sources (no browser): the French and English catalogues match key for key, every key the code uses exists, and the markup respects the CSP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { WEB_ROOT } from './support.mjs';

const read = (file) => readFileSync(path.join(WEB_ROOT, file), 'utf8');
const catalogue = (lang) => JSON.parse(read(`i18n/${lang}.json`));
const fr = catalogue('fr');
const en = catalogue('en');

// A plain walk rather than readdirSync's recursive option, whose entry fields vary across Node 18 releases.
function filesUnder(dir, ext) {
  const found = [];
  for (const entry of readdirSync(path.join(WEB_ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(rel, ext));
    else if (entry.name.endsWith(ext)) found.push(path.normalize(rel));
  }
  return found;
}
const scripts = filesUnder('js', '.js');
const pages = filesUnder('.', '.html');

/** Keys the code asks for: t('key', …) in modules and data-i18n[-attr]="key" in markup. */
function usedKeys() {
  const used = new Map();
  const note = (key, file) => used.set(key, [...(used.get(key) ?? []), file]);
  for (const file of scripts) {
    for (const m of read(file).matchAll(/\bt\(\s*['"]([^'"]+)['"]/g)) note(m[1], file);
  }
  for (const file of pages) {
    for (const m of read(file).matchAll(/\bdata-i18n(?:-[a-z-]+)?="([^"]+)"/g)) note(m[1], file);
  }
  return used;
}

const placeholders = (message) => {
  const texts = typeof message === 'string' ? [message] : Object.values(message);
  return [...new Set(texts.flatMap((text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1])))].sort();
};

test('French and English catalogues have exactly the same keys', () => {
  assert.deepEqual(Object.keys(en).sort(), Object.keys(fr).sort());
});

test('every message is non-empty text or a plural object with an "other" form, same shape and placeholders in both languages', () => {
  for (const key of Object.keys(fr)) {
    for (const [lang, messages] of [['fr', fr], ['en', en]]) {
      const message = messages[key];
      if (typeof message === 'string') {
        assert.ok(message.trim().length > 0, `${lang}:${key} is empty`);
      } else {
        assert.equal(typeof message, 'object', `${lang}:${key} must be a string or a plural object`);
        assert.equal(typeof message.other, 'string', `${lang}:${key} needs an "other" form`);
      }
    }
    assert.equal(typeof fr[key], typeof en[key], `${key}: plural in one language only`);
    assert.deepEqual(placeholders(en[key]), placeholders(fr[key]), `${key}: placeholders differ between fr and en`);
  }
});

test('every key used in the HTML and the modules exists, and every catalogue key is used', () => {
  const used = usedKeys();
  assert.ok(used.size > 50, `found only ${used.size} keys: is the scan still matching t('…') calls?`);
  const missing = [...used.keys()].filter((key) => !(key in fr)).map((key) => `${key} (${used.get(key).join(', ')})`);
  assert.deepEqual(missing, [], 'keys used but missing from the catalogues');
  const unused = Object.keys(fr).filter((key) => !used.has(key));
  assert.deepEqual(unused, [], 'catalogue keys nothing uses (remove them, or write the key literally in t(\'…\') so it can be found)');
});

test('markup and modules respect the CSP: no inline script, style or event handler', () => {
  for (const file of pages) {
    const html = read(file);
    for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
      assert.match(m[1], /\bsrc=/, `${file}: inline <script> (the CSP blocks it)`);
      assert.equal(m[2].trim(), '', `${file}: a <script src> must be empty`);
    }
    assert.doesNotMatch(html, /<style\b/i, `${file}: <style> block`);
    assert.doesNotMatch(html, /\sstyle=/i, `${file}: style attribute`);
    assert.doesNotMatch(html, /\son[a-z]+=/i, `${file}: inline event handler`);
    assert.doesNotMatch(html, /(?:src|href)="(?:https?:)?\/\//i, `${file}: resource from another origin`);
  }
  for (const file of scripts) {
    const source = read(file);
    assert.doesNotMatch(source, /\.innerHTML\s*=|insertAdjacentHTML|document\.write/, `${file}: HTML injection; build nodes with h()`);
    assert.doesNotMatch(source, /setAttribute\(\s*['"]style['"]/, `${file}: style attribute (the CSP blocks it)`);
    assert.doesNotMatch(source, /\beval\(|new Function\(/, `${file}: eval`);
  }
});

test('every module opens with a one-line comment saying what it holds', () => {
  for (const file of [...scripts, 'css/app.css', 'css/tokens.css']) {
    const first = read(file).split('\n')[0];
    assert.match(first, /^(\/\/|\/\*) \S.{10,}/, `${file}: first line should say what the file holds`);
  }
});
