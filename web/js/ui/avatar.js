// A person's picture: their photo when they have one (GET /api/users/{id}/photo), else their initials on a colour derived from their id.
import { h } from '../dom.js';

const TINTS = 4; // .avatar--tint0 … tint3 in app.css

/** "Anne-Marie Dupont" → "AD"; letters only, so "(ARS) Jean" gives "AJ". */
export function initials(name) {
  const words = String(name ?? '').split(/[\s-]+/).map((w) => w.replace(/[^\p{L}]/gu, '')).filter(Boolean);
  if (!words.length) return '?';
  const first = words[0][0];
  const last = words.length > 1 ? words[words.length - 1][0] : '';
  return (first + last).toUpperCase();
}

/**
 * avatar({ id, display_name, has_photo }, { size: 'sm'|'md'|'lg'|'xl', version }) → decorative element
 * (aria-hidden: the name is always written next to it). version busts the cache after an upload.
 */
export function avatar(person, { size = 'md', version } = {}) {
  const id = Number(person?.id ?? person?.user_id ?? 0);
  const el = h('span', { class: ['avatar', `avatar--${size}`, `avatar--tint${id % TINTS}`], 'aria-hidden': 'true' },
    h('span', { class: 'avatar__initials' }, initials(person?.display_name)));
  if (person?.has_photo && id) {
    const src = `/api/users/${id}/photo${version ? `?v=${encodeURIComponent(version)}` : ''}`;
    const img = h('img', { class: 'avatar__img', src, alt: '', loading: 'lazy', decoding: 'async' });
    // A photo that cannot be loaded leaves the initials showing.
    img.addEventListener('error', () => img.remove());
    el.append(img);
  }
  return el;
}
