// Platform settings (/admin/reglages): the e-mail domains partners may be invited from (none: any domain).
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { adminOnly } from '../guard.js';
import { errorPage } from '../errors.js';
import { field } from '../ui/form.js';
import { button } from '../ui/button.js';
import { icon } from '../ui/icons.js';
import { toast } from '../ui/toast.js';
import { onSubmit } from '../ui/submit.js';
import { adminHeader } from './admin-tabs.js';

const KEY = 'invitations.allowed_domains';

export function render(ctx) {
  return adminOnly(ctx, async () => {
    let settings;
    try {
      settings = await api.get('/api/admin/settings', { signal: ctx.signal });
    } catch (err) {
      if (err.name === 'AbortError') throw err;
      return errorPage(err, ctx);
    }
    const current = h('p', { class: 'muted', role: 'status' });
    const show = (domains) => {
      current.replaceChildren(icon('info'), ' ', domains.length ? t('admin.settings.current', { domains: domains.join(', ') }) : t('admin.settings.current_any'));
    };
    const domains = settings[KEY] ?? [];
    show(domains);
    const form = h('form', { class: 'form', 'aria-labelledby': 'admin-settings-domains' },
      field({ label: t('admin.settings.domains'), name: 'domains', control: 'textarea', hint: t('admin.settings.domains_hint'), attrs: { spellcheck: 'false', autocapitalize: 'off', rows: 6 } }),
      h('div', { class: 'cluster' }, button({ label: t('admin.settings.save'), type: 'submit', variant: 'primary', icon: 'check' })));
    form.querySelector('[name="domains"]').value = domains.join('\n');
    onSubmit(form, async (values) => {
      const list = values.domains.split(/[\s,;]+/).map((d) => d.trim()).filter(Boolean);
      const saved = await api.put('/api/admin/settings', { [KEY]: list });
      const fresh = saved[KEY] ?? [];
      form.querySelector('[name="domains"]').value = fresh.join('\n');
      show(fresh);
      toast(t('admin.settings.saved'), { type: 'success' });
    });
    const node = h('div', { class: 'page' },
      adminHeader('settings', t('admin.settings.title'), t('admin.settings.lead')),
      h('section', { class: 'card', 'aria-labelledby': 'admin-settings-domains' },
        h('h2', { id: 'admin-settings-domains' }, t('admin.settings.domains_title')),
        current,
        form));
    return { title: t('admin.settings.title'), node };
  });
}
