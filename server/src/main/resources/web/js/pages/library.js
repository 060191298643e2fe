// Pages built on the timeline: Photos, Favourites, Archive, Trash and one album. Each is a filter,
// a title and the actions its selection bar offers.

import { h, clear, icon, button, toast, dialog, confirmDialog, fill } from '../dom.js';
import { get, post, put, patch, del, thumbnailUrl } from '../api.js';
import { Timeline } from '../timeline.js';
import { openViewer } from '../viewer.js';
import { pick } from '../upload.js';

/** Mounts a timeline page into `main`; returns the page object main.js talks to (live events, keys, unmount). */
async function timelinePage(main, { title, filter, emptyText, actions, head = [], kind }) {
  const selbar = h('div', { class: 'selbar', hidden: true });
  const heading = h('div', { class: 'page-head' }, h('h1', {}, title), head);
  fill(main, heading, selbar);
  let timeline;
  const page = {
    kind,
    timeline: null,
    selected: () => [...timeline.selected],
    async run(action) {
      const ids = page.selected();
      if (!ids.length) return;
      try {
        await action.run(ids, page);
      } catch (e) { toast(e.message, 'error'); }
    },
    onKey(e) {
      if (e.key === 'Escape' && timeline.selected.size) { timeline.clearSelection(); return true; }
      if ((e.ctrlKey || e.metaKey) && e.key === 'a') { timeline.selectAllLoaded(); return true; }
      const action = actions.find(a => a.key === e.key);
      if (action && timeline.selected.size) { page.run(action); return true; }
      return false;
    },
    unmount() { timeline.destroy(); selbar.remove(); },
  };
  const renderBar = selected => {
    selbar.hidden = selected.size === 0;
    selbar.replaceChildren(
      button('Clear selection', 'close', () => timeline.clearSelection(), { iconOnly: true, class: 'icon-only' }),
      h('span', { class: 'count' }, `${selected.size} selected`),
      ...actions.map(a => button(a.label, a.icon, () => page.run(a), { title: `${a.label}${a.key ? ' (' + a.key + ')' : ''}`, class: a.danger ? 'danger' : '' })));
  };
  timeline = new Timeline({
    filter, emptyText, onSelect: renderBar,
    onOpen: id => openViewer(id, {
      source: timeline,
      onChange: dto => timeline.assetChanged(dto),
      onGone: gone => timeline.removed([gone]),
    }),
  });
  page.timeline = timeline;
  await timeline.mount(main);
  return page;
}

const favourite = { label: 'Favourite', icon: 'heart', key: 'f', async run(ids, page) {
  await put('/assets', { ids, isFavorite: true });
  ids.forEach(id => { const at = page.timeline.find(id); if (at) page.timeline.assetChanged({ ...at.asset, isFavorite: true }); });
  page.timeline.clearSelection();
  toast(`${ids.length} marked as favourite`);
} };

const archive = { label: 'Archive', icon: 'archive', key: 'a', async run(ids, page) {
  await put('/assets', { ids, visibility: 'archive' });
  page.timeline.removed(ids);
  toast(`${ids.length} archived`);
} };

const unarchive = { label: 'Unarchive', icon: 'archive', key: 'a', async run(ids, page) {
  await put('/assets', { ids, visibility: 'timeline' });
  page.timeline.removed(ids);
  toast(`${ids.length} back in the timeline`);
} };

const trash = { label: 'Trash', icon: 'trash', key: 'Delete', danger: true, async run(ids, page) {
  await del('/assets', { ids });
  page.timeline.removed(ids);
  toast(`${ids.length} moved to the trash`);
} };

const toAlbum = { label: 'Add to album', icon: 'album', async run(ids, page) {
  const done = await addToAlbumDialog(ids);
  if (done) page.timeline.clearSelection();
} };

/** Lets the user pick an album (or name a new one) for `ids`; true when they were added. */
export async function addToAlbumDialog(ids) {
  const albums = await get('/albums');
  const name = h('input', { type: 'text', name: 'albumName', placeholder: 'New album name' });
  let chosen = null;
  const choices = albums.map(a => h('button', { type: 'button', class: 'choice', dataset: { album: a.id },
    onclick: e => { chosen = a; e.currentTarget.closest('form').requestSubmit(); } },
    a.albumThumbnailAssetId ? h('img', { src: thumbnailUrl(a.albumThumbnailAssetId), alt: '' }) : h('span', { class: 'ph' }),
    h('span', {}, h('div', {}, a.albumName), h('div', { class: 'muted' }, `${a.assetCount} items`))));
  const result = await dialog(`Add ${ids.length} to an album`, h('div', {},
    h('label', { class: 'field' }, 'New album', name), choices.length ? h('div', { class: 'muted' }, 'or add to') : null, choices), [
    { label: 'Cancel' },
    { label: 'Create album', submit: true, class: 'primary', value: async () => {
      if (chosen) {
        const results = await put(`/albums/${chosen.id}/assets`, { ids });
        const added = results.filter(r => r.success).length;
        toast(`${added} added to ${chosen.albumName}` + (added < ids.length ? ` (${ids.length - added} already there)` : ''));
        return chosen;
      }
      if (!name.value.trim()) { name.focus(); return undefined; }
      const album = await post('/albums', { albumName: name.value.trim(), assetIds: ids });
      toast(`Album ${album.albumName} created with ${album.assetCount} items`);
      return album;
    } }]);
  return result !== null;
}

export function photosPage(main) {
  return timelinePage(main, {
    kind: 'photos', title: 'Photos', filter: { visibility: 'timeline' },
    emptyText: 'No photos yet. Drop photos, videos or whole folders anywhere on this page, or use Upload.',
    actions: [favourite, archive, toAlbum, trash],
    head: [button('Upload a folder', 'upload', () => pick(true))],
  });
}

export function favouritesPage(main) {
  return timelinePage(main, { kind: 'favourites', title: 'Favourites', filter: { isFavorite: true },
    emptyText: 'No favourites yet: open a photo and press the heart (or f).', actions: [archive, toAlbum, trash] });
}

export function archivePage(main) {
  return timelinePage(main, { kind: 'archive', title: 'Archive', filter: { visibility: 'archive' },
    emptyText: 'Nothing archived. Archived photos stay out of the timeline.', actions: [unarchive, favourite, toAlbum, trash] });
}

export async function trashPage(main) {
  let page;
  const restoreAll = button('Restore all', 'restore', async () => {
    try {
      const r = await post('/trash/restore');
      toast(`${r.count} restored`);
      page.timeline.refresh();
    } catch (e) { toast(e.message, 'error'); }
  });
  const empty = button('Empty trash', 'trash', async () => {
    if (!await confirmDialog('Empty the trash?', 'Everything in the trash is deleted for good, originals included.', 'Empty trash', true)) return;
    try {
      const r = await post('/trash/empty');
      toast(`${r.count} deleted for good`);
      page.timeline.refresh();
    } catch (e) { toast(e.message, 'error'); }
  }, { class: 'danger' });
  page = await timelinePage(main, {
    kind: 'trash', title: 'Trash', filter: { isTrashed: true }, emptyText: 'The trash is empty.',
    head: [restoreAll, empty],
    actions: [
      { label: 'Restore', icon: 'restore', key: 'r', async run(ids, p) {
        const r = await post('/trash/restore/assets', { ids });
        p.timeline.removed(ids);
        toast(`${r.count} restored`);
      } },
      { label: 'Delete for good', icon: 'trash', danger: true, key: 'Delete', async run(ids, p) {
        if (!await confirmDialog(`Delete ${ids.length} for good?`, 'The originals are removed from the library.', 'Delete', true)) return;
        await del('/assets', { ids, force: true });
        p.timeline.removed(ids);
      } },
    ],
  });
  return page;
}

/** Who an album is shared with, and as what: the owner first, then the members with their roles. */
function membersLine(album) {
  const others = album.albumUsers.filter(u => u.role !== 'owner');
  return others.length ? `Shared with ${others.map(u => u.user.name).join(', ')}` : 'Not shared';
}

/**
 * The owner's share dialog: the album's members with their roles (changed or removed at once),
 * and a user and role to add. Stays open until Done, so several can be added in turn.
 */
async function shareDialog(album, onChange) {
  const list = h('ul', { class: 'members' });
  const who = h('select', { name: 'userId', 'aria-label': 'User' });
  const role = h('select', { name: 'role', 'aria-label': 'Role' },
    h('option', { value: 'viewer', title: 'Sees the album' }, 'Viewer'), h('option', { value: 'editor', title: 'Also adds photos' }, 'Editor'));
  const users = await get('/users');
  const refresh = async () => {
    const a = await get(`/albums/${album.id}?withoutAssets=true`);
    Object.assign(album, a);
    onChange(a);
    const members = new Set(a.albumUsers.map(u => u.user.id));
    list.replaceChildren(...a.albumUsers.map(u => h('li', { dataset: { member: u.user.email } },
      h('span', { class: 'who' }, h('div', {}, u.user.name), h('div', { class: 'muted' }, u.user.email)),
      u.role === 'owner' ? h('span', { class: 'muted role' }, 'Owner') : [
        h('select', { 'aria-label': `Role of ${u.user.name}`, dataset: { role: u.user.email }, onchange: async e => {
          try { await put(`/albums/${a.id}/user/${u.user.id}`, { role: e.target.value }); await refresh(); } catch (err) { toast(err.message, 'error'); }
        } }, ['viewer', 'editor'].map(r => h('option', { value: r, selected: r === u.role }, r === 'viewer' ? 'Viewer' : 'Editor'))),
        button(`Stop sharing with ${u.user.name}`, 'close', async () => {
          try { await del(`/albums/${a.id}/user/${u.user.id}`); await refresh(); } catch (err) { toast(err.message, 'error'); }
        }, { iconOnly: true, class: 'icon-only' })])));
    const candidates = users.filter(u => !members.has(u.id));
    who.replaceChildren(...(candidates.length ? candidates.map(u => h('option', { value: u.id }, `${u.name} (${u.email})`))
      : [h('option', { value: '' }, 'Everyone here has it already')]));
    who.disabled = role.disabled = candidates.length === 0;
  };
  await refresh();
  await dialog(`Share ${album.albumName}`, h('div', { class: 'share' }, list,
    h('div', { class: 'add' }, h('label', { class: 'field' }, 'Share with', who), h('label', { class: 'field' }, 'As', role))), [
    { label: 'Done', value: () => true },
    { label: 'Share', submit: true, class: 'primary', value: async () => {
      if (!who.value) return undefined;
      try {
        await put(`/albums/${album.id}/users`, { albumUsers: [{ userId: who.value, role: role.value }] });
        await refresh();
      } catch (e) { toast(e.message, 'error'); }
      return undefined;
    } }]);
}

export async function albumPage(main, id, navigate, me) {
  const album = await get(`/albums/${id}?withoutAssets=true`);
  const owned = !me || album.ownerId === me.id;
  const mine = album.albumUsers.find(u => me && u.user.id === me.id);
  const canAdd = owned || (mine && mine.role === 'editor');
  const title = h('span', {}, album.albumName);
  const rename = button('Rename', null, async () => {
    const input = h('input', { type: 'text', value: album.albumName, name: 'albumName' });
    const name = await dialog('Rename album', h('label', { class: 'field' }, 'Name', input), [
      { label: 'Cancel' }, { label: 'Rename', submit: true, class: 'primary', value: () => input.value.trim() || undefined }]);
    if (!name) return;
    try {
      const a = await patch(`/albums/${id}`, { albumName: name });
      album.albumName = a.albumName;
      title.textContent = a.albumName;
    } catch (e) { toast(e.message, 'error'); }
  });
  const remove = button('Delete album', 'trash', async () => {
    if (!await confirmDialog('Delete this album?', 'The photos stay in your library; only the album goes.', 'Delete album', true)) return;
    await del(`/albums/${id}`);
    navigate('#/albums');
  }, { class: 'danger' });
  const sharing = h('span', { class: 'muted sharing' }, owned ? membersLine(album)
    : `Shared by ${album.owner.name} · you are ${mine ? (mine.role === 'editor' ? 'an editor' : 'a viewer') : 'a member'}`);
  const share = button('Share', 'people', () => shareDialog(album, a => { sharing.textContent = membersLine(a); }));
  const leave = button('Leave album', 'close', async () => {
    if (!await confirmDialog('Leave this album?', `${album.owner.name} can share it with you again.`, 'Leave album', true)) return;
    await del(`/albums/${id}/user/me`);
    navigate('#/albums');
  });
  const page = await timelinePage(main, {
    kind: 'album', title: '', filter: { albumId: id }, emptyText: 'This album is empty: select photos in Photos and choose Add to album.',
    head: owned ? [share, rename, remove] : [leave],
    actions: canAdd ? [
      { label: 'Remove from album', icon: 'close', key: 'Delete', async run(ids, p) {
        const results = await del(`/albums/${id}/assets`, { ids });
        const gone = results.filter(r => r.success).map(r => r.id);
        p.timeline.removed(gone);
        toast(`${gone.length} removed from the album` + (gone.length < ids.length ? ` (${ids.length - gone.length} not yours to remove)` : ''));
      } },
      ...(owned ? [favourite] : []),
    ] : [],
  });
  main.querySelector('.page-head h1').replaceChildren(title, h('span', { class: 'muted', style: { fontSize: '.9rem', fontWeight: 400, marginLeft: '.6rem' } },
    `${album.assetCount} items`), sharing);
  page.albumId = id;
  return page;
}

export async function albumsPage(main, navigate, me) {
  const grid = h('div', { class: 'cards' });
  const create = button('New album', 'add', async () => {
    const input = h('input', { type: 'text', name: 'albumName', placeholder: 'Holidays 2024' });
    const name = await dialog('New album', h('label', { class: 'field' }, 'Name', input), [
      { label: 'Cancel' }, { label: 'Create', submit: true, class: 'primary', value: () => input.value.trim() || undefined }]);
    if (!name) return;
    try {
      const album = await post('/albums', { albumName: name });
      navigate('#/albums/' + album.id);
    } catch (e) { toast(e.message, 'error'); }
  }, { class: 'primary' });
  fill(main, h('div', { class: 'page-head' }, h('h1', {}, 'Albums'), create), grid);
  const albums = await get('/albums');
  if (!albums.length) grid.replaceWith(h('div', { class: 'empty' }, 'No albums yet. Create one, or select photos and choose Add to album.'));
  for (const a of albums) {
    grid.append(h('a', { class: 'card', href: '#/albums/' + a.id, dataset: { album: a.id } },
      h('div', { class: 'cover' }, a.albumThumbnailAssetId ? h('img', { src: thumbnailUrl(a.albumThumbnailAssetId), alt: '', loading: 'lazy' }) : icon('album')),
      h('div', { class: 'name' }, a.albumName),
      h('div', { class: 'sub' }, `${a.assetCount} ${a.assetCount === 1 ? 'item' : 'items'}`),
      a.shared ? h('div', { class: 'sub shared', dataset: { shared: me && a.ownerId !== me.id ? 'with-me' : 'by-me' } },
        icon('people'), me && a.ownerId !== me.id ? `Shared by ${a.owner.name}` : membersLine(a)) : null));
  }
  return { kind: 'albums', unmount() {} };
}

