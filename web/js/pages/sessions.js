// My sessions (/profil/sessions): where my account is signed in (device, address, last activity), each closable, and all the others at once.
import { h } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { api } from '../api.js';
import { navigate } from '../router.js';
import { guarded } from '../guard.js';
import { clearSession } from '../session.js';
import { reportError, isAbort } from '../errors.js';
import { button, setBusy } from '../ui/button.js';
import { icon } from '../ui/icons.js';
import { toast } from '../ui/toast.js';
import { confirmDialog } from '../ui/dialog.js';
import { loadingState, emptyState } from '../ui/states.js';
import { profileTabs } from './profile-tabs.js';
import { describeAgent } from '../labels.js';

export function render(ctx) {
  return guarded(ctx, () => {
    const region = h('div', { class: 'section' }, loadingState({ label: t('sessions.loading'), lines: 4 }));
    const node = h('div', { class: 'page' },
      h('div', { class: 'page-header' },
        h('p', { class: 'eyebrow' }, t('profile.eyebrow')),
        h('h1', {}, t('sessions.title')),
        h('p', { class: 'lead' }, t('sessions.lead'))),
      profileTabs('sessions'),
      region);
    load(region, ctx.signal);
    return { title: t('sessions.title'), node };
  });
}

async function load(region, signal) {
  let items;
  try {
    ({ items } = await api.get('/api/me/sessions', { signal }));
  } catch (err) {
    if (!isAbort(err)) {
      region.replaceChildren(emptyState({ icon: 'error', title: t('sessions.load_failed'), text: '' }));
      reportError(err);
    }
    return;
  }
  draw(region, items);
}

function draw(region, items) {
  if (!items.length) {
    region.replaceChildren(emptyState({ icon: 'devices', title: t('sessions.empty') }));
    return;
  }
  const others = items.filter((s) => !s.current);
  const list = h('ul', { class: 'list', 'aria-label': t('sessions.list_label') }, items.map((s) => row(region, s, items)));
  const endOthers = others.length ? button({
    label: t('sessions.end_others', { count: others.length }),
    icon: 'logout',
    variant: 'secondary',
    onClick: async () => {
      const ok = await confirmDialog({ title: t('sessions.end_others_title'), message: t('sessions.end_others_text'), confirmLabel: t('sessions.end_others_confirm'), danger: true });
      if (!ok) return;
      setBusy(endOthers, true);
      try {
        for (const s of others) await api.delete(`/api/me/sessions/${s.id}`);
        toast(t('sessions.ended_others'), { type: 'success' });
        draw(region, items.filter((s) => s.current));
        region.querySelector('h2')?.focus();
      } catch (err) {
        reportError(err);
        setBusy(endOthers, false);
      }
    },
  }) : null;
  region.replaceChildren(
    h('div', { class: 'section-head' },
      h('h2', { tabindex: '-1' }, t('sessions.count', { count: items.length })),
      endOthers),
    list);
}

function row(region, s, items) {
  const device = describeAgent(s.user_agent) ?? t('sessions.unknown_device');
  const end = button({
    label: s.current ? t('sessions.end_current') : t('sessions.end'),
    variant: s.current ? 'ghost' : 'secondary',
    size: 'sm',
    icon: 'logout',
    attrs: { 'aria-label': s.current ? t('sessions.end_current') : t('sessions.end_named', { device }) },
    onClick: async () => {
      if (s.current) {
        const ok = await confirmDialog({ title: t('sessions.end_current_title'), message: t('sessions.end_current_text'), confirmLabel: t('sessions.end_current'), danger: true });
        if (!ok) return;
      }
      setBusy(end, true);
      try {
        await api.delete(`/api/me/sessions/${s.id}`);
        if (s.current) {
          clearSession();
          toast(t('user.signed_out'), { type: 'success' });
          navigate('/connexion');
          return;
        }
        toast(t('sessions.ended', { device }), { type: 'success' });
        draw(region, items.filter((x) => x.id !== s.id));
        region.querySelector('h2')?.focus();
      } catch (err) {
        reportError(err);
        setBusy(end, false);
      }
    },
  });
  return h('li', { class: 'list__item' },
    h('span', { class: 'list__icon' }, icon('devices')),
    h('div', { class: 'list__body' },
      h('span', { class: 'list__title' }, device, ' ', s.current ? h('span', { class: 'badge badge--success' }, t('sessions.current')) : null),
      h('span', { class: 'list__meta' }, t('sessions.meta', {
        ip: s.ip ?? t('sessions.unknown_ip'),
        seen: formatDateTime(new Date(s.last_seen_at)),
        created: formatDateTime(new Date(s.created_at)),
      }))),
    h('span', { class: 'list__aside' }, end));
}
