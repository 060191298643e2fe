// The timeline: month buckets laid out from their counts, only the months near the screen in the
// DOM, and a month's assets fetched (GET /api/timeline/bucket) only when it comes into view.
// A month's height is estimated from its count until its assets arrive; when the real height
// differs, the months below move and the scroll position is kept on what the user looks at.
// Used for Photos, Favourites, Archive, Trash and an album's contents, each with its own filter.

import { h, icon, fmtMonth, fmtDuration, fmtWallClock, thumbhashColor } from './dom.js';
import { get, query, thumbnailUrl } from './api.js';

const MONTH_HEAD = 48;
const DAY_HEAD = 32;
const DAY_GAP = 8;
const GAP = 4;
const LOAD_DELAY_MS = 120;   // a month must stay in view this long before it is fetched (fast scrolls fetch nothing)
const MARGIN = 0.75;         // render this many screens above and below the visible one

export class Timeline {
  /**
   * @param filter query parameters of the buckets (e.g. {visibility: 'timeline'} or {isTrashed: true})
   * @param onOpen called with an asset id when a tile is opened
   * @param onSelect called with the set of selected ids whenever it changes
   */
  constructor({ filter, onOpen, onSelect, emptyText }) {
    this.filter = filter;
    this.onOpen = onOpen;
    this.onSelect = onSelect || (() => {});
    this.emptyText = emptyText || 'Nothing here yet.';
    this.buckets = [];
    this.selected = new Set();
    this.anchor = null;
    this.el = h('div', { class: 'timeline', onclick: e => this.click(e) });
    this.frame = 0;
    this.onScroll = () => { if (!this.frame) this.frame = requestAnimationFrame(() => { this.frame = 0; this.update(); }); };
    this.onResize = () => this.layout(true);
    this.refreshTimer = null;
    this.pending = new Map();
  }

  /** Appends the timeline to `parent`, reads the months and shows the first screen. */
  async mount(parent) {
    parent.append(this.el);
    window.addEventListener('scroll', this.onScroll, { passive: true });
    window.addEventListener('resize', this.onResize);
    await this.readBuckets();
    this.layout(false);
    this.update(true);
  }

  destroy() {
    window.removeEventListener('scroll', this.onScroll);
    window.removeEventListener('resize', this.onResize);
    cancelAnimationFrame(this.frame);
    clearTimeout(this.refreshTimer);
    this.buckets.forEach(b => clearTimeout(b.timer));
    this.el.remove();
  }

  async readBuckets() {
    const list = await get('/timeline/buckets' + query(this.filter));
    const old = new Map(this.buckets.map(b => [b.key, b]));
    this.buckets = list.map(({ timeBucket, count }) => {
      const before = old.get(timeBucket);
      if (before && before.count === count && before.assets) return before;
      if (before) before.el?.remove();
      return { key: timeBucket, count, top: 0, height: 0, assets: null, loading: null, el: null, timer: null };
    });
    for (const [key, b] of old) if (!this.buckets.includes(b)) { b.el?.remove(); clearTimeout(b.timer); }
  }

  // ---- geometry ----

  grid() {
    const width = this.el.clientWidth || window.innerWidth;
    const target = width < 500 ? 110 : width < 1000 ? 160 : 200;
    const cols = Math.max(3, Math.floor((width + GAP) / (target + GAP)));
    const tile = Math.floor((width - GAP * (cols - 1)) / cols);
    return { cols, tile };
  }

  rowsHeight(n) {
    const rows = Math.ceil(n / this.g.cols);
    return rows * this.g.tile + Math.max(0, rows - 1) * GAP;
  }

  heightOf(b) {
    if (!b.assets) return MONTH_HEAD + DAY_HEAD + this.rowsHeight(b.count) + DAY_GAP;
    let height = MONTH_HEAD;
    for (const day of days(b.assets)) height += DAY_HEAD + this.rowsHeight(day.assets.length) + DAY_GAP;
    return height;
  }

  /** Recomputes every month's height and position; keeps the month at the top of the screen in place. */
  layout(keepScroll) {
    const anchor = keepScroll ? this.topVisible() : null;
    this.g = this.grid();
    let top = 0;
    for (const b of this.buckets) {
      b.top = top;
      b.height = this.heightOf(b);
      top += b.height;
      if (b.el) { b.el.remove(); b.el = null; }
    }
    this.el.style.height = top + 'px';
    if (anchor) window.scrollTo(0, this.origin() + anchor.bucket.top + anchor.offset);
    this.el.querySelector('.empty')?.remove();
    if (this.buckets.length === 0) this.el.append(h('div', { class: 'empty' }, this.emptyText));
    this.update();
  }

  origin() {
    return this.el.getBoundingClientRect().top + window.scrollY;
  }

  topVisible() {
    const y = window.scrollY - this.origin();
    const b = this.buckets.find(x => x.top + x.height > y);
    return b ? { bucket: b, offset: y - b.top } : null;
  }

  // ---- what is on screen ----

  update(immediate = false) {
    if (!this.g) return;
    const y = window.scrollY - this.origin();
    const screen = window.innerHeight;
    const from = y - screen * MARGIN;
    const to = y + screen * (1 + MARGIN);
    for (const b of this.buckets) {
      const near = b.top < to && b.top + b.height > from;
      if (near) {
        if (!b.el) this.render(b);
        if (!b.assets) this.scheduleLoad(b, immediate);
      } else {
        if (b.el) { b.el.remove(); b.el = null; }
        clearTimeout(b.timer);
        b.timer = null;
      }
    }
  }

  scheduleLoad(b, now) {
    if (b.loading || (b.timer && !now)) return;
    clearTimeout(b.timer);
    const load = () => {
      b.timer = null;
      if (!b.el) return;   // scrolled away meanwhile
      b.loading = get('/timeline/bucket' + query({ ...this.filter, timeBucket: b.key }))
        .then(columns => {
          b.assets = assets(columns);
          for (const a of b.assets) {
            const change = this.pending.get(a.id);
            if (change) { Object.assign(a, change); this.pending.delete(a.id); }
          }
          this.resized(b);
          // The first month on screen is drawn: the figure the scale test and the docs report.
          if (!performance.getEntriesByName('shoebox:first-screen').length) performance.mark('shoebox:first-screen');
        })
        .catch(e => console.error('cannot load', b.key, e))
        .finally(() => { b.loading = null; });
    };
    if (now) load(); else b.timer = setTimeout(load, LOAD_DELAY_MS);
  }

  /** A month's assets arrived: its real height replaces the estimate and the months below move. */
  resized(b) {
    const before = b.height;
    const after = this.heightOf(b);
    const y = window.scrollY - this.origin();
    if (after !== before) {
      const delta = after - before;
      b.height = after;
      let reached = false;
      for (const x of this.buckets) {
        if (reached) { x.top += delta; if (x.el) x.el.style.top = x.top + 'px'; }
        if (x === b) reached = true;
      }
      this.el.style.height = (parseFloat(this.el.style.height) + delta) + 'px';
      // A month above the screen grew or shrank: move the page with it so nothing jumps.
      if (b.top + before <= y) window.scrollBy(0, delta);
    }
    if (b.el) { b.el.remove(); b.el = null; }
    this.update();
  }

  render(b) {
    const section = h('section', { class: 'month', dataset: { bucket: b.key }, style: { top: b.top + 'px', height: b.height + 'px' } },
      h('h2', {}, fmtMonth(b.key)));
    const gridStyle = { gridTemplateColumns: `repeat(${this.g.cols}, ${this.g.tile}px)`, gridAutoRows: this.g.tile + 'px' };
    if (!b.assets) {
      section.append(h('div', { class: 'day-head' }, '\u00a0'));
      const shown = Math.min(b.count, this.g.cols * Math.ceil(window.innerHeight / this.g.tile + 1));
      section.append(h('div', { class: 'day-grid', style: gridStyle },
        Array.from({ length: shown }, () => h('div', { class: 'tile placeholder' }))));
    } else {
      for (const day of days(b.assets)) {
        section.append(h('div', { class: 'day-head' },
          h('button', { type: 'button', title: 'Select this day', 'aria-label': 'Select ' + day.label,
            onclick: e => { e.stopPropagation(); this.selectMany(day.assets.map(a => a.id)); } }, icon('check')),
          day.label));
        section.append(h('div', { class: 'day-grid', style: gridStyle }, day.assets.map(a => this.tile(a))));
      }
    }
    b.el = section;
    this.el.append(section);
  }

  tile(a) {
    const t = h('div', { class: 'tile' + (this.selected.has(a.id) ? ' selected' : ''), dataset: { id: a.id },
      title: a.isImage ? 'Photo' : 'Video' });
    const colour = thumbhashColor(a.thumbhash);
    if (colour) t.style.background = colour;
    if (a.resized) {
      const img = h('img', { alt: '', decoding: 'async', draggable: 'false' });
      img.onload = () => img.classList.add('loaded');
      img.src = thumbnailUrl(a.id, 'thumbnail', a.version);
      t.append(img);
    }
    t.append(h('span', { class: 'check' }, icon('check')));
    if (!a.isImage) t.append(h('span', { class: 'badge' }, fmtDuration(a.duration), icon('play')));
    if (a.isFavorite) t.append(h('span', { class: 'fav' }, icon('heart')));
    return t;
  }

  // ---- selection and opening ----

  click(e) {
    const tile = e.target.closest('.tile[data-id]');
    if (!tile) return;
    const id = tile.dataset.id;
    if (e.shiftKey && this.anchor) {
      this.selectRange(this.anchor, id);
    } else if (e.target.closest('.check') || e.ctrlKey || e.metaKey || this.selected.size > 0) {
      this.toggle(id);
    } else {
      this.onOpen(id);
      return;
    }
    this.anchor = id;
  }

  toggle(id) {
    if (this.selected.has(id)) this.selected.delete(id); else this.selected.add(id);
    this.selectionChanged();
  }

  selectMany(ids) {
    const all = ids.every(id => this.selected.has(id));
    ids.forEach(id => all ? this.selected.delete(id) : this.selected.add(id));
    this.selectionChanged();
  }

  selectRange(fromId, toId) {
    const order = this.loadedIds();
    let i = order.indexOf(fromId), j = order.indexOf(toId);
    if (i < 0 || j < 0) { this.toggle(toId); return; }
    if (i > j) [i, j] = [j, i];
    order.slice(i, j + 1).forEach(id => this.selected.add(id));
    this.selectionChanged();
  }

  selectAllLoaded() {
    this.loadedIds().forEach(id => this.selected.add(id));
    this.selectionChanged();
  }

  clearSelection() {
    this.selected.clear();
    this.anchor = null;
    this.selectionChanged();
  }

  selectionChanged() {
    this.el.classList.toggle('selecting', this.selected.size > 0);
    for (const t of this.el.querySelectorAll('.tile[data-id]')) t.classList.toggle('selected', this.selected.has(t.dataset.id));
    this.onSelect(this.selected);
  }

  loadedIds() {
    return this.buckets.flatMap(b => (b.assets || []).map(a => a.id));
  }

  find(id) {
    for (const b of this.buckets) {
      const i = (b.assets || []).findIndex(a => a.id === id);
      if (i >= 0) return { bucket: b, index: i, asset: b.assets[i] };
    }
    return null;
  }

  /** The asset after (dir 1) or before (dir -1) `id`, fetching the next month when needed. */
  async neighbour(id, dir) {
    const at = this.find(id);
    if (!at) return null;
    const next = at.index + dir;
    if (next >= 0 && next < at.bucket.assets.length) return at.bucket.assets[next].id;
    let k = this.buckets.indexOf(at.bucket) + dir;
    while (k >= 0 && k < this.buckets.length) {
      const b = this.buckets[k];
      if (!b.assets) {
        b.assets = assets(await get('/timeline/bucket' + query({ ...this.filter, timeBucket: b.key })));
        this.resized(b);
      }
      if (b.assets.length) return dir > 0 ? b.assets[0].id : b.assets[b.assets.length - 1].id;
      k += dir;
    }
    return null;
  }

  // ---- live changes ----

  /** An asset changed (its thumbnail is ready, it became a favourite...): redraw its tile. */
  assetChanged(dto) {
    const change = { resized: dto.resized, isFavorite: dto.isFavorite, thumbhash: dto.thumbhash, version: Date.now() };
    if (dto.duration) change.duration = dto.duration;
    const at = this.find(dto.id);
    if (!at) {
      // Its month is not loaded yet (or is being fetched): apply the change when it arrives.
      this.pending.set(dto.id, change);
      this.refreshSoon();
      return;
    }
    Object.assign(at.asset, change);
    const old = this.el.querySelector(`.tile[data-id="${dto.id}"]`);
    if (old) old.replaceWith(this.tile(at.asset));
    // Metadata extraction may have moved it to another month.
    if (dto.localDateTime && dto.localDateTime.slice(0, 7) !== at.bucket.key.slice(0, 7)) this.refreshSoon();
  }

  /** Assets left this view (trashed, restored, deleted, archived): drop them now, recount soon. */
  removed(ids) {
    const gone = new Set(ids);
    for (const b of this.buckets) {
      if (!b.assets) continue;
      const before = b.assets.length;
      b.assets = b.assets.filter(a => !gone.has(a.id));
      if (b.assets.length !== before) { b.count = b.assets.length; this.resized(b); }
    }
    ids.forEach(id => this.selected.delete(id));
    this.selectionChanged();
    this.refreshSoon();
  }

  /** Re-reads the months (new uploads, other devices' changes), at most every 400 ms. */
  refreshSoon() {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => this.refresh(), 400);
  }

  async refresh() {
    await this.readBuckets();
    this.layout(true);
  }
}

/** Immich's columnar bucket as one object per asset. */
function assets(c) {
  return c.id.map((id, i) => ({
    id, isImage: c.isImage[i], isFavorite: c.isFavorite[i], isTrashed: c.isTrashed[i], visibility: c.visibility[i],
    thumbhash: c.thumbhash[i], duration: c.duration[i], fileCreatedAt: c.fileCreatedAt[i],
    localOffsetHours: c.localOffsetHours[i], ratio: c.ratio[i],
    resized: c.resized ? c.resized[i] : true, version: '',
  }));
}

/** The assets of a month grouped by the day on the photographer's clock. */
function days(list) {
  const out = [];
  for (const a of list) {
    const local = new Date(Date.parse(a.fileCreatedAt) + a.localOffsetHours * 3600e3).toISOString();
    const key = local.slice(0, 10);
    if (!out.length || out[out.length - 1].key !== key) out.push({ key, label: fmtWallClock(key + 'T00:00:00Z', false), assets: [] });
    out[out.length - 1].assets.push(a);
  }
  return out;
}
