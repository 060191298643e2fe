// Boot and shell: who is signed in, the header and navigation, hash routes to pages, live events
// handed to the page on screen, and the keyboard shortcuts that work everywhere.

import { h, clear, icon, button, iconButton, dialog, toast, fill } from './dom.js';
import { get, post, onUnauthorized } from './api.js';
import * as live from './live.js';
import { installDropZone, installPickers, pick } from './upload.js';
import { photosPage, favouritesPage, archivePage, trashPage, albumsPage, albumPage } from './pages/library.js';
import { jobsPage } from './pages/jobs.js';
import { usersPage } from './pages/users.js';
import { accountPage } from './pages/account.js';
import { loginPage } from './pages/login.js';

const app = document.getElementById('app');
let me = null;
let page = null;
let main = null;
let routing = 0;

const NAV = [
  ['#/photos', 'Photos', 'photo'], ['#/favourites', 'Favourites', 'heart'], ['#/archive', 'Archive', 'archive'],
  ['#/albums', 'Albums', 'album'], ['#/trash', 'Trash', 'trash'],
];
const ADMIN_NAV = [['#/jobs', 'Jobs', 'queue'], ['#/admin/users', 'Users', 'people']];

async function boot() {
  try {
    me = await get('/users/me');
  } catch {
    me = null;
  }
  if (!me) {
    live.stop();
    await loginPage(app, boot);
    return;
  }
  shell();
  installPickers();
  live.start();
  if (!location.hash || location.hash === '#/login') location.hash = me.shouldChangePassword ? '#/account' : '#/photos';
  await route();
}

function shell() {
  const link = ([href, label, name]) => h('a', { href, dataset: { nav: href } }, icon(name), h('span', {}, label));
  main = h('main', { id: 'main' });
  app.replaceChildren(
    h('header', { class: 'top' },
      h('a', { class: 'brand', href: '#/photos' }, h('img', { src: '/web/icon.svg', alt: '' }), 'Shoebox'),
      h('span', { class: 'spacer' }),
      button('Upload', 'upload', () => pick(false), { class: 'primary', title: 'Upload photos and videos (u)' }),
      h('span', { class: 'who' }, me.name || me.email),
      iconButton('Account', 'account', () => { location.hash = '#/account'; })),
    h('nav', { class: 'side', 'aria-label': 'Sections' }, NAV.map(link),
      me.isAdmin ? [h('div', { class: 'section' }, 'Administration'), ADMIN_NAV.map(link)] : null,
      h('div', { class: 'section' }, 'You'), link(['#/account', 'Account', 'account'])),
    main,
    h('nav', { class: 'bottom', 'aria-label': 'Sections' },
      [NAV[0], NAV[3], NAV[4], me.isAdmin ? ADMIN_NAV[0] : NAV[1], ['#/account', 'Account', 'account']].map(link)));
}

async function route() {
  if (!me) return;
  const ticket = ++routing;
  const hash = location.hash || '#/photos';
  if (page) { page.unmount(); page = null; }
  clear(main);
  window.scrollTo(0, 0);
  for (const a of document.querySelectorAll('[data-nav]')) a.classList.toggle('active', hash.startsWith(a.dataset.nav));
  const [, section, id] = hash.split('/');
  const navigate = to => { location.hash = to; };
  try {
    let next;
    switch (section) {
      case 'favourites': next = await favouritesPage(main); break;
      case 'archive': next = await archivePage(main); break;
      case 'trash': next = await trashPage(main); break;
      case 'albums': next = id ? await albumPage(main, id, navigate, me) : await albumsPage(main, navigate, me); break;
      case 'jobs': next = me.isAdmin ? await jobsPage(main) : null; break;
      case 'admin': next = me.isAdmin ? await usersPage(main, me) : null; break;
      case 'account': next = await accountPage(main, me, { signOut, navigate }); break;
      default: next = await photosPage(main);
    }
    if (ticket !== routing) { next?.unmount(); return; }
    page = next || { unmount() {} };
    if (!next) fill(main, h('div', { class: 'empty' }, 'Only administrators can see this page.'));
    document.title = (main.querySelector('h1')?.textContent || 'Shoebox') + ' · Shoebox';
  } catch (e) {
    if (ticket === routing) fill(main, h('div', { class: 'empty' }, e.message));
  }
}

async function signOut() {
  try { await post('/auth/logout'); } catch { /* signed out anyway */ }
  me = null;
  page?.unmount();
  page = null;
  live.stop();
  location.hash = '';
  boot();
}

// Live events: the page on screen decides what they change.
const timeline = () => page && page.timeline;
live.on('on_upload_success', () => { if (['photos', 'album'].includes(page?.kind)) timeline().refreshSoon(); });
live.on('on_asset_update', dto => timeline()?.assetChanged(dto));
live.on('on_asset_trash', ids => { if (page?.kind === 'trash') timeline().refreshSoon(); else timeline()?.removed(ids); });
live.on('on_asset_restore', ids => { if (page?.kind === 'trash') timeline().removed(ids); else timeline()?.refreshSoon(); });
live.on('on_asset_delete', id => timeline()?.removed([id]));
live.on('on_asset_hidden', id => timeline()?.removed([id]));
live.on('on_session_delete', () => { toast('You were signed out.'); me = null; page?.unmount(); page = null; live.stop(); boot(); });
// After a gap in the connection events may have been missed: re-read what is on screen.
let connectedBefore = false;
live.on('connect', () => { if (connectedBefore) timeline()?.refreshSoon(); connectedBefore = true; });
onUnauthorized(() => { if (me) { me = null; page?.unmount(); page = null; live.stop(); boot(); } });

window.addEventListener('hashchange', route);
installDropZone(() => { if (page?.kind === 'photos' && !live.isConnected()) timeline().refreshSoon(); });

const SHORTCUTS = [
  ['u', 'Upload photos and videos'], ['?', 'This list'], ['Esc', 'Clear the selection / close'],
  ['Ctrl+A', 'Select everything loaded'], ['Shift+click', 'Select a range'], ['f', 'Favourite (selection or viewer)'],
  ['a', 'Archive (selection or viewer)'], ['Delete', 'Move to the trash'], ['← →', 'Previous / next in the viewer'],
  ['z', 'Zoom to the original'], ['i', 'Details in the viewer'], ['d', 'Download the original'],
];

document.addEventListener('keydown', e => {
  if (!me || e.target.closest('input, textarea, select, [role=dialog]') || document.querySelector('.viewer, .dialog-back')) return;
  if (page?.onKey && page.onKey(e)) { e.preventDefault(); return; }
  if (e.key === 'u' && !e.ctrlKey && !e.metaKey) { e.preventDefault(); pick(false); }
  if (e.key === '?') {
    dialog('Keyboard shortcuts', h('table', { class: 'list' }, SHORTCUTS.map(([k, v]) => h('tr', {}, h('td', {}, h('kbd', {}, k)), h('td', {}, v)))),
      [{ label: 'Close', submit: true, class: 'primary' }]);
  }
});

boot();
