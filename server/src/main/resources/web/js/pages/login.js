// Sign-in, and on a server without users, creating its first admin.

import { h } from '../dom.js';
import { get, post } from '../api.js';

export async function loginPage(root, onSignedIn) {
  const config = await get('/server/config').catch(() => ({ isInitialized: true }));
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true, autofocus: true });
  const password = h('input', { type: 'password', name: 'password', autocomplete: config.isInitialized ? 'current-password' : 'new-password', required: true });
  const name = h('input', { type: 'text', name: 'name', required: true });
  const error = h('div', { class: 'error-text', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'btn primary' }, config.isInitialized ? 'Sign in' : 'Create the admin');
  const form = h('form', { onsubmit: async e => {
    e.preventDefault();
    error.textContent = '';
    submit.disabled = true;
    try {
      if (!config.isInitialized) await post('/auth/admin-sign-up', { email: email.value, password: password.value, name: name.value });
      await post('/auth/login', { email: email.value, password: password.value });
      await onSignedIn();
    } catch (err) {
      error.textContent = err.status === 401 ? 'Wrong e-mail or password.' : err.message;
    } finally {
      submit.disabled = false;
    }
  } },
    h('h1', {}, h('img', { src: '/web/icon.svg', alt: '' }), 'Shoebox'),
    config.isInitialized ? null : h('p', { class: 'muted' }, 'This server has no users yet: create its administrator.'),
    config.isInitialized ? null : h('label', { class: 'field' }, 'Name', name),
    h('label', { class: 'field' }, 'E-mail', email),
    h('label', { class: 'field' }, 'Password', password),
    error, submit);
  root.replaceChildren(h('div', { class: 'login' }, form));
  email.focus();
}
