// Small DOM helpers: h() builds elements, icon() draws one of the UI's icons, plus toasts, dialogs
// and formatting of sizes and dates. No framework: pages build their DOM with h() and update it directly.

export function h(tag, props, ...children) {
  const el = tag === 'svg' || tag === 'path'
    ? document.createElementNS('http://www.w3.org/2000/svg', tag) : document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.setAttribute('class', value);
    else if (key === 'style' && typeof value === 'object') Object.assign(el.style, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key in el && !(el instanceof SVGElement) && typeof value !== 'string') el[key] = value;
    else el.setAttribute(key, value === true ? '' : value);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** Appends children as h() does: arrays flattened, null and false skipped. */
export function fill(el, ...children) {
  append(el, children);
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

// Material-style 24x24 paths, drawn inline so nothing is fetched from elsewhere.
const PATHS = {
  photo: 'M21 19V5c0-1.1-.9-2-2-2H5c-1.1 0-2 .9-2 2v14c0 1.1.9 2 2 2h14c1.1 0 2-.9 2-2zM8.5 13.5l2.5 3.01L14.5 12l4.5 6H5l3.5-4.5z',
  heart: 'M12 21.35l-1.45-1.32C5.4 15.36 2 12.28 2 8.5 2 5.42 4.42 3 7.5 3c1.74 0 3.41.81 4.5 2.09C13.09 3.81 14.76 3 16.5 3 19.58 3 22 5.42 22 8.5c0 3.78-3.4 6.86-8.55 11.54L12 21.35z',
  heartOutline: 'M16.5 3c-1.74 0-3.41.81-4.5 2.09C10.91 3.81 9.24 3 7.5 3 4.42 3 2 5.42 2 8.5c0 3.78 3.4 6.86 8.55 11.54L12 21.35l1.45-1.32C18.6 15.36 22 12.28 22 8.5 22 5.42 19.58 3 16.5 3zm-4.4 15.55l-.1.1-.1-.1C7.14 14.24 4 11.39 4 8.5 4 6.5 5.5 5 7.5 5c1.54 0 3.04.99 3.57 2.36h1.87C13.46 5.99 14.96 5 16.5 5c2 0 3.5 1.5 3.5 3.5 0 2.89-3.14 5.74-7.9 10.05z',
  archive: 'M20.54 5.23l-1.39-1.68C18.88 3.21 18.47 3 18 3H6c-.47 0-.88.21-1.16.55L3.46 5.23C3.17 5.57 3 6.02 3 6.5V19c0 1.1.9 2 2 2h14c1.1 0 2-.9 2-2V6.5c0-.48-.17-.93-.46-1.27zM12 17.5L6.5 12H10v-2h4v2h3.5L12 17.5zM5.12 5l.81-1h12l.94 1H5.12z',
  album: 'M22 16V4c0-1.1-.9-2-2-2H8c-1.1 0-2 .9-2 2v12c0 1.1.9 2 2 2h12c1.1 0 2-.9 2-2zm-11-4l2.03 2.71L16 11l4 5H8l3-4zM2 6v14c0 1.1.9 2 2 2h14v-2H4V6H2z',
  trash: 'M6 19c0 1.1.9 2 2 2h8c1.1 0 2-.9 2-2V7H6v12zM19 4h-3.5l-1-1h-5l-1 1H5v2h14V4z',
  download: 'M19 9h-4V3H9v6H5l7 7 7-7zM5 18v2h14v-2H5z',
  upload: 'M9 16h6v-6h4l-7-7-7 7h4zm-4 2h14v2H5z',
  close: 'M19 6.41L17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z',
  left: 'M15.41 7.41L14 6l-6 6 6 6 1.41-1.41L10.83 12z',
  right: 'M10 6L8.59 7.41 13.17 12l-4.58 4.59L10 18l6-6z',
  info: 'M12 2C6.48 2 2 6.48 2 12s4.48 10 10 10 10-4.48 10-10S17.52 2 12 2zm1 15h-2v-6h2v6zm0-8h-2V7h2v2z',
  check: 'M9 16.17L4.83 12l-1.42 1.41L9 19 21 7l-1.41-1.41z',
  add: 'M19 13h-6v6h-2v-6H5v-2h6V5h2v6h6v2z',
  restore: 'M13 3a9 9 0 0 0-9 9H1l3.89 3.89.07.14L9 12H6c0-3.87 3.13-7 7-7s7 3.13 7 7-3.13 7-7 7c-1.93 0-3.68-.79-4.94-2.06l-1.42 1.42A8.954 8.954 0 0 0 13 21a9 9 0 0 0 0-18z',
  zoom: 'M15.5 14h-.79l-.28-.27A6.471 6.471 0 0 0 16 9.5 6.5 6.5 0 1 0 9.5 16c1.61 0 3.09-.59 4.23-1.57l.27.28v.79l5 4.99L20.49 19l-4.99-5zm-6 0C7.01 14 5 11.99 5 9.5S7.01 5 9.5 5 14 7.01 14 9.5 11.99 14 9.5 14zm2.5-4h-2v2H9v-2H7V9h2V7h1v2h2v1z',
  queue: 'M4 6h16v2H4zm0 5h16v2H4zm0 5h16v2H4z',
  people: 'M16 11c1.66 0 2.99-1.34 2.99-3S17.66 5 16 5c-1.66 0-3 1.34-3 3s1.34 3 3 3zm-8 0c1.66 0 2.99-1.34 2.99-3S9.66 5 8 5C6.34 5 5 6.34 5 8s1.34 3 3 3zm0 2c-2.33 0-7 1.17-7 3.5V19h14v-2.5c0-2.33-4.67-3.5-7-3.5zm8 0c-.29 0-.62.02-.97.05 1.16.84 1.97 1.97 1.97 3.45V19h6v-2.5c0-2.33-4.67-3.5-7-3.5z',
  account: 'M12 12c2.21 0 4-1.79 4-4s-1.79-4-4-4-4 1.79-4 4 1.79 4 4 4zm0 2c-2.67 0-8 1.34-8 4v2h16v-2c0-2.66-5.33-4-8-4z',
  play: 'M8 5v14l11-7z',
};

export function icon(name, title) {
  const svg = h('svg', { class: 'icon', viewBox: '0 0 24 24', 'aria-hidden': title ? null : 'true', role: title ? 'img' : null },
    h('path', { d: PATHS[name] }));
  if (title) svg.setAttribute('aria-label', title);
  return svg;
}

export function button(label, iconName, onClick, extra = {}) {
  return h('button', { type: 'button', class: 'btn ' + (extra.class || ''), title: extra.title || label, onclick: onClick,
    'aria-label': label, dataset: extra.dataset },
    iconName ? icon(iconName) : null, extra.iconOnly ? null : h('span', { class: 'label' }, label));
}

export function iconButton(label, iconName, onClick, extra = {}) {
  return button(label, iconName, onClick, { ...extra, class: 'icon-only ' + (extra.class || ''), iconOnly: true });
}

let toastBox;
export function toast(message, kind = 'info') {
  if (!toastBox) toastBox = document.body.appendChild(h('div', { class: 'toasts', role: 'status' }));
  const t = toastBox.appendChild(h('div', { class: 'toast ' + kind }, message));
  setTimeout(() => t.remove(), kind === 'error' ? 7000 : 2500);
}

/** A modal dialog; resolves with what a button's value() returns, or null when dismissed. */
export function dialog(title, body, buttons) {
  return new Promise(resolve => {
    const close = value => { back.remove(); document.removeEventListener('keydown', onKey, true); resolve(value); };
    const onKey = e => { if (e.key === 'Escape') { e.stopPropagation(); close(null); } };
    const actions = buttons.map(b => h('button', { type: b.submit ? 'submit' : 'button', class: 'btn ' + (b.class || ''),
      onclick: b.submit ? null : async () => close(b.value ? await b.value() : null) }, b.label));
    const form = h('form', { class: 'dialog', role: 'dialog', 'aria-label': title, onsubmit: async e => {
      e.preventDefault(); const s = buttons.find(b => b.submit); const v = s.value ? await s.value() : true; if (v !== undefined) close(v);
    } }, h('h2', {}, title), body, h('div', { class: 'actions' }, actions));
    const back = h('div', { class: 'dialog-back', onclick: e => { if (e.target === back) close(null); } }, form);
    document.body.append(back);
    document.addEventListener('keydown', onKey, true);
    (form.querySelector('input') || form.querySelector('button[type=submit]'))?.focus();
  });
}

export function confirmDialog(title, text, label, danger) {
  return dialog(title, h('p', {}, text), [
    { label: 'Cancel' }, { label, submit: true, class: danger ? 'primary danger' : 'primary', value: () => true }]);
}

export function fmtBytes(n) {
  if (n === null || n === undefined) return '';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? n : n.toFixed(n < 10 ? 1 : 0)) + ' ' + units[i];
}

export function fmtDuration(ms) {
  if (!ms) return '';
  const s = Math.round(ms / 1000);
  return Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
}

/** "UTC+02:00" from an offset in hours (fractions allowed). */
export function fmtOffset(hours) {
  const sign = hours < 0 ? '-' : '+';
  const m = Math.round(Math.abs(hours) * 60);
  return `UTC${sign}${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** A wall-clock time held as if it were UTC (Immich's localDateTime), formatted as it reads. */
export function fmtWallClock(iso, withTime = true) {
  const opts = { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' };
  if (withTime) Object.assign(opts, { hour: '2-digit', minute: '2-digit' });
  return new Intl.DateTimeFormat(undefined, opts).format(new Date(iso));
}

export function fmtMonth(key) {
  return new Intl.DateTimeFormat(undefined, { timeZone: 'UTC', month: 'long', year: 'numeric' }).format(new Date(key + 'T00:00:00Z'));
}

/** The average colour of a thumbhash (base64), as CSS; null when there is none. */
export function thumbhashColor(base64) {
  if (!base64) return null;
  try {
    const hash = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
    const header = hash[0] | (hash[1] << 8) | (hash[2] << 16);
    const l = (header & 63) / 63, p = ((header >> 6) & 63) / 31.5 - 1, q = ((header >> 12) & 63) / 31.5 - 1;
    const b = l - 2 / 3 * p, r = (3 * l - b + q) / 2, g = r - q;
    const c = v => Math.round(255 * Math.max(0, Math.min(1, v)));
    return `rgb(${c(r)}, ${c(g)}, ${c(b)})`;
  } catch { return null; }
}
