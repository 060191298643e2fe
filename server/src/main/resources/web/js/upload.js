// Uploads: files or whole folders dropped anywhere on the page (or picked), sent three at a time
// to POST /api/assets with their progress; duplicates and refused files are reported by name.

import { h, clear, icon, iconButton } from './dom.js';

const CONCURRENCY = 3;
const queue = [];
let active = 0;
let panel = null;
let list = null;
let summary = null;
const counts = { created: 0, duplicate: 0, failed: 0, total: 0 };
let onUploaded = () => {};

/** Makes the whole page a drop target; `uploaded(id)` is told of each new asset. */
export function installDropZone(uploaded) {
  onUploaded = uploaded;
  let depth = 0;
  let zone = null;
  const hasFiles = e => [...(e.dataTransfer?.types || [])].includes('Files');
  window.addEventListener('dragenter', e => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    if (depth++ === 0) zone = document.body.appendChild(h('div', { class: 'dropzone' }, 'Drop photos, videos or folders to upload'));
  });
  window.addEventListener('dragover', e => { if (hasFiles(e)) e.preventDefault(); });
  window.addEventListener('dragleave', () => { if (--depth <= 0) { depth = 0; zone?.remove(); } });
  window.addEventListener('drop', async e => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth = 0;
    zone?.remove();
    const entries = [...e.dataTransfer.items].map(i => i.webkitGetAsEntry && i.webkitGetAsEntry()).filter(Boolean);
    const files = entries.length ? (await Promise.all(entries.map(walk))).flat() : [...e.dataTransfer.files];
    uploadFiles(files);
  });
}

/** Every file under a dropped entry (folders are read recursively). */
async function walk(entry) {
  if (entry.isFile) return [await new Promise((ok, fail) => entry.file(ok, fail))];
  if (!entry.isDirectory) return [];
  const reader = entry.createReader();
  const children = [];
  for (;;) {
    const batch = await new Promise((ok, fail) => reader.readEntries(ok, fail));
    if (!batch.length) break;
    children.push(...batch);
  }
  return (await Promise.all(children.map(walk))).flat();
}

/** The picker: files (or a folder with `folder`). The inputs stay in the page, hidden, for scripts and tests. */
export function pick(folder = false) {
  pickerInput(folder).click();
}

function pickerInput(folder) {
  const id = folder ? 'upload-folder' : 'upload-files';
  let input = document.getElementById(id);
  if (!input) {
    input = h('input', { type: 'file', id, multiple: true, accept: folder ? null : 'image/*,video/*', tabindex: '-1',
      'aria-hidden': 'true', style: { position: 'fixed', left: '0', top: '0', width: '1px', height: '1px', opacity: '0' } });
    if (folder) input.webkitdirectory = true;
    input.addEventListener('change', () => { uploadFiles([...input.files]); input.value = ''; });
    document.body.append(input);
  }
  return input;
}

/** Puts the hidden pickers in the page. */
export function installPickers() {
  pickerInput(false);
  pickerInput(true);
}

export function uploadFiles(files) {
  const wanted = files.filter(f => !f.name.startsWith('.'));
  if (!wanted.length) return;
  showPanel();
  for (const file of wanted) {
    const item = { file, row: row(file) };
    list.append(item.row.li);
    queue.push(item);
    counts.total++;
  }
  updateSummary();
  pump();
}

function pump() {
  while (active < CONCURRENCY && queue.length) {
    const item = queue.shift();
    active++;
    send(item).finally(() => { active--; updateSummary(); pump(); });
  }
}

function send({ file, row }) {
  return new Promise(resolve => {
    const form = new FormData();
    const when = new Date(file.lastModified || Date.now()).toISOString();
    form.append('deviceAssetId', `web-${file.name}-${file.size}-${file.lastModified}`);
    form.append('deviceId', 'WEB');
    form.append('fileCreatedAt', when);
    form.append('fileModifiedAt', when);
    form.append('filename', file.name);
    form.append('assetData', file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/assets');
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = e => { if (e.lengthComputable) row.bar.style.width = (100 * e.loaded / e.total).toFixed(1) + '%'; };
    xhr.onload = () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
      if (xhr.status === 201 || xhr.status === 200) {
        const duplicate = body && body.status === 'duplicate';
        done(row, duplicate ? 'duplicate' : 'created', duplicate ? 'Already in your library' : 'Uploaded');
        if (!duplicate && body) onUploaded(body.id);
      } else {
        done(row, 'failed', 'Refused', (body && body.message) || `The server answered ${xhr.status}`);
      }
      resolve();
    };
    xhr.onerror = () => { done(row, 'failed', 'Failed', 'The connection broke; try again'); resolve(); };
    xhr.send(form);
  });
}

function done(row, state, text, why) {
  counts[state]++;
  row.bar.style.width = '100%';
  row.state.className = 'state ' + state;
  row.state.textContent = text;
  row.li.dataset.state = state;
  if (why) row.li.append(h('div', { class: 'why' }, why));
}

function row(file) {
  const state = h('span', { class: 'state' }, 'Waiting');
  const bar = h('div', { class: 'bar-fill' });
  const li = h('li', { dataset: { file: file.name } }, h('div', { class: 'name' }, h('span', { title: file.name }, file.name), state),
    h('div', { class: 'bar-track' }, bar));
  return { li, state, bar };
}

function showPanel() {
  if (panel) return;
  list = h('ul', {});
  summary = h('span', {});
  panel = h('section', { class: 'uploads', 'aria-label': 'Uploads' },
    h('div', { class: 'head' }, icon('upload'), summary, h('span', { class: 'spacer' }),
      iconButton('Close', 'close', () => { if (!queue.length && !active) { panel.remove(); panel = null; reset(); } })),
    list);
  document.body.append(panel);
}

function reset() {
  Object.assign(counts, { created: 0, duplicate: 0, failed: 0, total: 0 });
}

function updateSummary() {
  if (!summary) return;
  const finished = counts.created + counts.duplicate + counts.failed;
  summary.textContent = finished < counts.total
    ? `Uploading ${finished + 1 > counts.total ? counts.total : finished + 1} of ${counts.total}`
    : `${counts.created} uploaded · ${counts.duplicate} duplicate · ${counts.failed} refused`;
}
