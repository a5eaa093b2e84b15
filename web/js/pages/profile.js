// My profile (/profil): photo, the details colleagues see in the directory, e-mail verification and password change.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { guarded } from '../guard.js';
import { updateUser } from '../session.js';
import { errorPage, reportError } from '../errors.js';
import { field } from '../ui/form.js';
import { button, setBusy } from '../ui/button.js';
import { icon } from '../ui/icons.js';
import { avatar } from '../ui/avatar.js';
import { toast } from '../ui/toast.js';
import { confirmDialog } from '../ui/dialog.js';
import { passwordField, hidePasswords } from '../ui/password.js';
import { onSubmit, Invalid } from '../ui/submit.js';
import { PASSWORD_MIN, passwordProblems } from '../ui/password-policy.js';
import { profileTabs } from './profile-tabs.js';
import { orgKindLabel } from '../labels.js';

const PHOTO_MAX_BYTES = 2 * 1024 * 1024;
const PHOTO_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'];

export function render(ctx) {
  return guarded(ctx, async () => {
    let me;
    try {
      me = (await api.get('/api/me', { signal: ctx.signal })).user;
    } catch (err) {
      if (err.name === 'AbortError') throw err;
      return errorPage(err, ctx);
    }
    const node = h('div', { class: 'page' },
      h('div', { class: 'page-header' },
        h('p', { class: 'eyebrow' }, t('profile.eyebrow')),
        h('h1', {}, t('profile.title')),
        h('p', { class: 'lead' }, t('profile.lead'))),
      profileTabs('profile'),
      identityCard(me),
      detailsSection(me),
      emailSection(me),
      passwordSection());
    return { title: t('profile.title'), node };
  });
}

/* ---- photo and who I am ---- */

function identityCard(me) {
  const picture = h('div', { class: 'profile-card__photo' }, avatar(me, { size: 'xl' }));
  const input = h('input', { type: 'file', class: 'visually-hidden', id: 'photo-input', name: 'photo', accept: PHOTO_TYPES.join(',') });
  const choose = button({ label: t('profile.photo.change'), icon: 'upload', variant: 'secondary', size: 'sm', onClick: () => input.click() });
  const remove = button({ label: t('profile.photo.remove'), icon: 'trash', variant: 'ghost', size: 'sm', onClick: removePhoto });
  remove.hidden = !me.has_photo;
  const status = h('p', { class: 'profile-card__hint', id: 'photo-hint' }, t('profile.photo.hint'));

  function redraw(version) {
    picture.replaceChildren(avatar(me, { size: 'xl', version }));
    remove.hidden = !me.has_photo;
  }

  input.addEventListener('change', async () => {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    if (!PHOTO_TYPES.includes(file.type)) {
      toast(t('error.photo.invalid'), { type: 'error' });
      return;
    }
    if (file.size > PHOTO_MAX_BYTES) {
      toast(t('profile.photo.too_big'), { type: 'error' });
      return;
    }
    setBusy(choose, true);
    try {
      await api.putFile('/api/me/photo', file);
      me.has_photo = true;
      const version = Date.now();
      redraw(version);
      updateUser({ has_photo: true, photo_version: version });
      toast(t('profile.photo.saved'), { type: 'success' });
    } catch (err) {
      reportError(err);
    } finally {
      setBusy(choose, false);
    }
  });

  async function removePhoto() {
    const ok = await confirmDialog({ title: t('profile.photo.remove_title'), message: t('profile.photo.remove_text'), confirmLabel: t('profile.photo.remove'), danger: true });
    if (!ok) return;
    try {
      await api.delete('/api/me/photo');
      me.has_photo = false;
      redraw();
      updateUser({ has_photo: false, photo_version: Date.now() });
      toast(t('profile.photo.removed'), { type: 'success' });
      choose.focus();
    } catch (err) {
      reportError(err);
    }
  }

  const org = me.organisation;
  return h('section', { class: 'card profile-card', 'aria-labelledby': 'profile-me' },
    picture,
    h('div', { class: 'profile-card__body' },
      h('h2', { class: 'profile-card__name', id: 'profile-me' }, me.display_name),
      h('p', { class: 'profile-card__meta' },
        me.kind === 'guest' ? h('span', { class: 'badge badge--accent' }, t('person.kind.guest')) : null,
        org ? h('span', {}, `${org.name} · ${orgKindLabel(org.kind)}`) : null),
      h('p', { class: 'profile-card__mail' }, icon('mail'), h('span', {}, me.email)),
      h('div', { class: 'cluster' }, input, choose, remove),
      status));
}

/* ---- details ---- */

function detailsSection(me) {
  const form = h('form', { class: 'form', 'aria-labelledby': 'profile-details' },
    field({ label: t('profile.display_name'), name: 'display_name', required: true, attrs: { autocomplete: 'name', maxlength: 120, value: me.display_name } }),
    field({ label: t('profile.job_title'), name: 'job_title', hint: t('profile.job_title_hint'), attrs: { autocomplete: 'organization-title', maxlength: 120, value: me.job_title ?? '' } }),
    field({ label: t('profile.phone'), name: 'phone', type: 'tel', attrs: { autocomplete: 'tel', maxlength: 40, value: me.phone ?? '' } }),
    field({ label: t('profile.place'), name: 'place', hint: t('profile.place_hint'), attrs: { maxlength: 120, value: me.place ?? '' } }),
    field({ label: t('profile.bio'), name: 'bio', control: 'textarea', hint: t('profile.bio_hint'), attrs: { maxlength: 2000 } }),
    h('div', { class: 'cluster' }, button({ label: t('profile.save'), type: 'submit', variant: 'primary', icon: 'check' })));
  form.querySelector('[name="bio"]').value = me.bio ?? '';

  onSubmit(form, async (values) => {
    if (!values.display_name) throw new Invalid({ display_name: t('profile.error.name') });
    const saved = await api.patch('/api/me', {
      display_name: values.display_name,
      job_title: values.job_title,
      phone: values.phone,
      place: values.place,
      bio: values.bio,
    });
    updateUser({ display_name: saved.display_name, job_title: saved.job_title });
    document.getElementById('profile-me').textContent = saved.display_name;
    toast(t('profile.saved'), { type: 'success' });
  });

  return h('section', { class: 'section card', 'aria-labelledby': 'profile-details' },
    h('h2', { id: 'profile-details' }, t('profile.details')),
    h('p', { class: 'muted' }, t('profile.details_lead')),
    form);
}

/* ---- e-mail ---- */

function emailSection(me) {
  const body = h('div', { class: 'stack' });
  if (me.email_verified) {
    body.append(h('p', { class: 'status status--ok' }, icon('success'), h('span', {}, t('profile.email.verified'))));
  } else {
    const send = button({
      label: t('profile.email.send'),
      icon: 'mail',
      variant: 'secondary',
      onClick: async () => {
        setBusy(send, true);
        try {
          await api.post('/api/me/email-verification', {});
          toast(t('profile.email.sent', { email: me.email }), { type: 'success' });
        } catch (err) {
          reportError(err);
        } finally {
          setBusy(send, false);
        }
      },
    });
    body.append(
      h('div', { class: 'alert alert--warning' }, icon('warning'), h('p', {}, t('profile.email.unverified'))),
      h('div', { class: 'cluster' }, send));
  }
  return h('section', { class: 'section card', 'aria-labelledby': 'profile-email' },
    h('h2', { id: 'profile-email' }, t('profile.email.title')),
    h('p', { class: 'muted' }, t('profile.email.lead', { email: me.email })),
    body);
}

/* ---- password ---- */

function passwordSection() {
  const form = h('form', { class: 'form', 'aria-labelledby': 'profile-password' },
    passwordField({ label: t('profile.password.current'), name: 'current_password', autocomplete: 'current-password' }),
    passwordField({ label: t('profile.password.new'), name: 'new_password', autocomplete: 'new-password', hint: t('password.policy', { min: PASSWORD_MIN }) }),
    passwordField({ label: t('profile.password.confirm'), name: 'confirm', autocomplete: 'new-password' }),
    h('div', { class: 'cluster' }, button({ label: t('profile.password.submit'), type: 'submit', variant: 'primary', icon: 'lock' })));

  onSubmit(form, async (values) => {
    const problems = passwordProblems(values.new_password, values.confirm, 'new_password', 'confirm');
    if (!values.current_password) problems.current_password = t('password.error.missing');
    if (Object.keys(problems).length) throw new Invalid(problems);
    await api.post('/api/me/password', { current_password: values.current_password, new_password: values.new_password });
    hidePasswords(form);
    form.reset();
    toast(t('profile.password.changed'), { type: 'success' });
  });

  return h('section', { class: 'section card', 'aria-labelledby': 'profile-password' },
    h('h2', { id: 'profile-password' }, t('profile.password.title')),
    h('p', { class: 'muted' }, t('profile.password.lead')),
    form);
}
