// The viewer: one asset over the page, its preview (a video plays from /video/playback with seeking),
// the original when zoomed, the metadata panel, and actions. Arrow keys and swipes move through
// the timeline it was opened from.

import { h, clear, icon, iconButton, fmtBytes, fmtOffset, fmtWallClock, toast, fill } from './dom.js';
import { get, put, del, thumbnailUrl } from './api.js';

const BROWSER_IMAGES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif', 'image/bmp', 'image/svg+xml'];

/**
 * Opens the viewer on `id`. `source` answers neighbour(id, dir) (a Timeline), `onChange(dto)` and
 * `onGone(id)` keep the page behind it current. Returns a promise that resolves when it closes.
 */
export function openViewer(id, { source, onChange, onGone }) {
  return new Promise(resolve => {
    let current = null;
    let showInfo = window.innerWidth > 900;
    let zoomed = false;
    let touchX = null;

    const stage = h('div', { class: 'stage' });
    const info = h('aside', { class: 'info', 'aria-label': 'Details' });
    const favButton = iconButton('Favourite (f)', 'heartOutline', () => toggleFavourite());
    const archiveButton = iconButton('Archive (a)', 'archive', () => toggleArchive());
    const bar = h('div', { class: 'bar' },
      iconButton('Close (Esc)', 'close', () => close()),
      h('span', { class: 'spacer' }),
      favButton, archiveButton,
      iconButton('Zoom to the original (z)', 'zoom', () => toggleZoom()),
      iconButton('Download the original (d)', 'download', () => download()),
      iconButton('Details (i)', 'info', () => { showInfo = !showInfo; info.hidden = !showInfo; }),
      iconButton('Move to trash (Delete)', 'trash', () => trash()));
    const prev = iconButton('Previous (←)', 'left', () => go(-1), { class: 'nav prev' });
    const next = iconButton('Next (→)', 'right', () => go(1), { class: 'nav next' });
    const root = h('div', { class: 'viewer', role: 'dialog', 'aria-label': 'Viewer' },
      h('div', { class: 'stage-wrap', style: { position: 'relative', flex: '1', display: 'flex', minHeight: '0' } }, bar, prev, stage, next),
      info);
    info.hidden = !showInfo;
    document.body.append(root);
    document.body.style.overflow = 'hidden';

    const onKey = e => {
      if (e.target.closest && e.target.closest('input, textarea')) return;
      const keys = { Escape: close, ArrowLeft: () => go(-1), ArrowRight: () => go(1), Delete: trash, f: toggleFavourite,
        a: toggleArchive, z: toggleZoom, d: download, i: () => { showInfo = !showInfo; info.hidden = !showInfo; } };
      const fn = keys[e.key];
      if (fn) { e.preventDefault(); e.stopPropagation(); fn(); }
    };
    document.addEventListener('keydown', onKey, true);
    stage.addEventListener('touchstart', e => { touchX = e.touches.length === 1 ? e.touches[0].clientX : null; }, { passive: true });
    stage.addEventListener('touchend', e => {
      if (touchX === null || zoomed) return;
      const dx = e.changedTouches[0].clientX - touchX;
      if (Math.abs(dx) > 50) go(dx < 0 ? 1 : -1);
      touchX = null;
    });
    stage.addEventListener('dblclick', () => toggleZoom());

    function close() {
      document.removeEventListener('keydown', onKey, true);
      document.body.style.overflow = '';
      root.remove();
      resolve();
    }

    async function show(assetId) {
      zoomed = false;
      stage.classList.remove('zoomed');
      fill(clear(stage), h('div', { class: 'loading' }, 'Loading…'));
      let asset;
      try {
        asset = await get('/assets/' + assetId);
      } catch (e) {
        fill(clear(stage), h('div', { class: 'loading' }, e.message));
        return;
      }
      current = asset;
      clear(stage);
      if (asset.type === 'VIDEO') {
        stage.append(h('video', { src: `/api/assets/${asset.id}/video/playback`, controls: true, autoplay: true, playsinline: true,
          poster: asset.resized ? thumbnailUrl(asset.id, 'preview') : null, preload: 'metadata' }));
      } else {
        const src = asset.resized ? thumbnailUrl(asset.id, 'preview') : `/api/assets/${asset.id}/original`;
        stage.append(h('img', { src, alt: asset.originalFileName }));
      }
      renderInfo(asset);
      renderButtons(asset);
    }

    function renderButtons(a) {
      favButton.replaceChildren(icon(a.isFavorite ? 'heart' : 'heartOutline'));
      favButton.classList.toggle('on', a.isFavorite);
      favButton.setAttribute('aria-pressed', String(a.isFavorite));
      archiveButton.setAttribute('aria-pressed', String(a.visibility === 'archive'));
      archiveButton.title = a.visibility === 'archive' ? 'Unarchive (a)' : 'Archive (a)';
    }

    function renderInfo(a) {
      const x = a.exifInfo || {};
      const offsetHours = (Date.parse(a.localDateTime) - Date.parse(a.fileCreatedAt)) / 3600e3;
      // "Canon" and "Canon EOS R6" read as "Canon EOS R6", as on the camera.
      const camera = x.make && x.model && x.model.toLowerCase().startsWith(x.make.toLowerCase()) ? x.model
        : [x.make, x.model].filter(Boolean).join(' ');
      const exposure = [x.fNumber ? 'ƒ/' + x.fNumber : null, x.exposureTime ? x.exposureTime + ' s' : null,
        x.focalLength ? x.focalLength + ' mm' : null, x.iso ? 'ISO ' + x.iso : null].filter(Boolean).join('  ·  ');
      const place = [x.city, x.state, x.country].filter(Boolean).join(', ')
        || (x.latitude != null && x.longitude != null ? `${x.latitude.toFixed(5)}, ${x.longitude.toFixed(5)}` : '');
      const size = [a.width && a.height ? `${a.width} × ${a.height}` : null, fmtBytes(x.fileSizeInByte)].filter(Boolean).join('  ·  ');
      const rows = [
        ['Date', `${fmtWallClock(a.localDateTime)} (${x.timeZone && !x.timeZone.startsWith('UTC') ? x.timeZone + ', ' : ''}${fmtOffset(offsetHours)})`],
        ['Camera', camera], ['Lens', x.lensModel], ['Exposure', exposure], ['Place', place], ['Size', size],
        ['File', a.originalFileName], ['Description', x.description],
      ];
      const errors = (a.processingErrors || []).map(p => `${p.step}: ${p.reason}`).join('\n');
      if (errors) rows.push(['Processing', errors]);
      fill(clear(info), h('h3', {}, 'Details'),
        h('dl', {}, rows.filter(([, v]) => v).map(([k, v]) => h('div', { dataset: { field: k.toLowerCase() } }, h('dt', {}, k), h('dd', {}, v)))));
    }

    async function go(dir) {
      if (!current || !source) return;
      const target = await source.neighbour(current.id, dir);
      if (target) show(target);
    }

    async function toggleFavourite() {
      if (!current) return;
      try {
        current = await put('/assets/' + current.id, { isFavorite: !current.isFavorite });
        renderButtons(current);
        onChange?.(current);
      } catch (e) { toast(e.message, 'error'); }
    }

    async function toggleArchive() {
      if (!current) return;
      const archived = current.visibility === 'archive';
      try {
        current = await put('/assets/' + current.id, { visibility: archived ? 'timeline' : 'archive' });
        renderButtons(current);
        toast(archived ? 'Moved back to the timeline' : 'Archived');
        onGone?.(current.id);
      } catch (e) { toast(e.message, 'error'); }
    }

    function toggleZoom() {
      if (!current || current.type !== 'IMAGE') return;
      const img = stage.querySelector('img');
      zoomed = !zoomed;
      stage.classList.toggle('zoomed', zoomed);
      const original = BROWSER_IMAGES.includes(current.originalMimeType);
      if (zoomed && original) img.src = `/api/assets/${current.id}/original`;
      if (!zoomed && current.resized) img.src = thumbnailUrl(current.id, 'preview');
    }

    function download() {
      if (!current) return;
      const a = h('a', { href: `/api/assets/${current.id}/original`, download: current.originalFileName });
      document.body.append(a);
      a.click();
      a.remove();
    }

    async function trash() {
      if (!current) return;
      const id = current.id;
      const after = source ? (await source.neighbour(id, 1)) || (await source.neighbour(id, -1)) : null;
      try {
        await del('/assets', { ids: [id] });
        toast('Moved to the trash');
        onGone?.(id);
        if (after) show(after); else close();
      } catch (e) { toast(e.message, 'error'); }
    }

    show(id);
  });
}

