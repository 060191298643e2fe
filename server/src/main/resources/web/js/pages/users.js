// Users (admins): create, list, reset a password, remove; and the server's totals.

import { h, clear, button, toast, dialog, confirmDialog, fmtBytes, fill } from '../dom.js';
import { get, post, put, del } from '../api.js';

export async function usersPage(main, me) {
  const table = h('tbody', {});
  const stats = h('p', { class: 'muted' });
  const email = h('input', { type: 'email', name: 'email', required: true, autocomplete: 'off' });
  const name = h('input', { type: 'text', name: 'name', required: true, autocomplete: 'off' });
  const password = h('input', { type: 'password', name: 'password', required: true, minLength: 8, autocomplete: 'new-password' });
  const admin = h('input', { type: 'checkbox', name: 'isAdmin' });
  const error = h('div', { class: 'error-text' });
  const form = h('form', { class: 'panel', onsubmit: async e => {
    e.preventDefault();
    error.textContent = '';
    try {
      const u = await post('/admin/users', { email: email.value, name: name.value, password: password.value, isAdmin: admin.checked });
      toast(`${u.email} can now sign in`);
      form.reset();
      load();
    } catch (err) { error.textContent = err.message; }
  } },
    h('h2', { style: { margin: '0 0 .8rem', fontSize: '1.05rem' } }, 'Add a user'),
    h('div', { style: { display: 'grid', gap: '0 1rem', gridTemplateColumns: 'repeat(auto-fit, minmax(200px, 1fr))' } },
      h('label', { class: 'field' }, 'E-mail', email), h('label', { class: 'field' }, 'Name', name),
      h('label', { class: 'field' }, 'Password (8 characters or more)', password)),
    h('label', { style: { display: 'flex', gap: '.4rem', alignItems: 'center' } }, admin, 'Administrator'),
    error, h('button', { type: 'submit', class: 'btn primary' }, 'Add user'));
  fill(main, h('div', { class: 'page-head' }, h('h1', {}, 'Users')), stats, form,
    h('div', { class: 'panel', style: { overflowX: 'auto' } }, h('table', { class: 'list' },
      h('thead', {}, h('tr', {}, h('th', {}, 'User'), h('th', {}, 'Role'), h('th', {}, 'Storage'), h('th', {}, ''))), table)));

  async function load() {
    const [users, s] = await Promise.all([get('/admin/users'), get('/server/statistics')]);
    const n = (count, one, many) => `${count} ${count === 1 ? one : many}`;
    stats.textContent = `${n(s.photos, 'photo', 'photos')} and ${n(s.videos, 'video', 'videos')}, ${fmtBytes(s.usage)} in all.`;
    fill(clear(table), users.map(u => h('tr', { dataset: { user: u.email } },
      h('td', {}, h('div', {}, u.name || u.email), h('div', { class: 'muted' }, u.email)),
      h('td', {}, u.isAdmin ? 'Admin' : 'User', u.shouldChangePassword ? h('div', { class: 'muted' }, 'must change password') : null),
      h('td', {}, fmtBytes(u.quotaUsageInBytes)),
      h('td', {}, h('div', { style: { display: 'flex', gap: '.4rem', justifyContent: 'flex-end', flexWrap: 'wrap' } },
        button('Reset password', null, () => reset(u), { dataset: { action: 'reset' } }),
        u.id === me.id ? null : button('Remove', 'trash', () => remove(u), { class: 'danger', dataset: { action: 'remove' } }))))));
  }

  async function reset(u) {
    const input = h('input', { type: 'password', name: 'password', minLength: 8, autocomplete: 'new-password' });
    const pw = await dialog(`New password for ${u.email}`, h('div', {}, h('label', { class: 'field' }, 'Password', input),
      h('p', { class: 'muted' }, 'They will be asked to choose their own at their next sign-in.')), [
      { label: 'Cancel' }, { label: 'Set password', submit: true, class: 'primary', value: () => input.value.length >= 8 ? input.value : undefined }]);
    if (!pw) return;
    try {
      await put(`/admin/users/${u.id}`, { password: pw, shouldChangePassword: true });
      toast(`Password of ${u.email} reset`);
      load();
    } catch (e) { toast(e.message, 'error'); }
  }

  async function remove(u) {
    if (!await confirmDialog(`Remove ${u.email}?`, 'They can no longer sign in; their sessions and API keys end. Their photos stay on disk.', 'Remove', true)) return;
    try {
      await del(`/admin/users/${u.id}`, { force: false });
      toast(`${u.email} removed`);
      load();
    } catch (e) { toast(e.message, 'error'); }
  }

  await load();
  return { kind: 'users', unmount() {} };
}
