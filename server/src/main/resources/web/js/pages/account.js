// The signed-in user's own page: name, password, sign out.

import { h, button, toast, fill } from '../dom.js';
import { post, put } from '../api.js';

export async function accountPage(main, me, { signOut, navigate }) {
  const name = h('input', { type: 'text', name: 'name', value: me.name });
  const current = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const next = h('input', { type: 'password', name: 'newPassword', autocomplete: 'new-password', required: true, minLength: 8 });
  const others = h('input', { type: 'checkbox', name: 'invalidateSessions' });
  const error = h('div', { class: 'error-text' });
  fill(main, 
    h('div', { class: 'page-head' }, h('h1', {}, 'Account'), button('Sign out', null, signOut)),
    me.shouldChangePassword ? h('div', { class: 'panel', role: 'alert' }, 'Your password was set by an administrator: choose your own below.') : null,
    h('form', { class: 'panel', onsubmit: async e => {
      e.preventDefault();
      try {
        const u = await put('/users/me', { name: name.value });
        me.name = u.name;
        toast('Name saved');
      } catch (err) { toast(err.message, 'error'); }
    } }, h('label', { class: 'field' }, 'Name', name), h('div', { class: 'muted' }, me.email), h('p', {}),
      h('button', { type: 'submit', class: 'btn' }, 'Save name')),
    h('form', { class: 'panel', id: 'change-password', onsubmit: async e => {
      e.preventDefault();
      error.textContent = '';
      try {
        await post('/auth/change-password', { password: current.value, newPassword: next.value, invalidateSessions: others.checked });
        me.shouldChangePassword = false;
        e.target.reset();
        toast('Password changed');
      } catch (err) { error.textContent = err.message; }
    } }, h('h2', { style: { margin: '0 0 .8rem', fontSize: '1.05rem' } }, 'Change password'),
      h('label', { class: 'field' }, 'Current password', current),
      h('label', { class: 'field' }, 'New password (8 characters or more)', next),
      h('label', { style: { display: 'flex', gap: '.4rem', alignItems: 'center' } }, others, 'Sign out my other devices'),
      error, h('button', { type: 'submit', class: 'btn primary' }, 'Change password')),
    me.isAdmin ? h('div', { class: 'panel' }, h('a', { href: '#/jobs' }, 'Jobs'), ' · ', h('a', { href: '#/admin/users' }, 'Users')) : null);
  return { kind: 'account', unmount() {} };
}
