// Jobs (admins): every queue with its counts, refreshed every two seconds; pause and resume,
// concurrency, who holds a pause lease and until when, failed jobs with their errors, retry,
// and Immich's "run for missing" / "run for all".

import { h, clear, button, toast, confirmDialog, fill } from '../dom.js';
import { get, put, post } from '../api.js';

const LABELS = {
  metadataExtraction: 'Metadata', thumbnailGeneration: 'Thumbnails', videoConversion: 'Video conversion',
  storageTemplateMigration: 'Storage template', duplicateDetection: 'Duplicate detection', sidecar: 'Sidecars',
  library: 'External libraries', backgroundTask: 'Background tasks', smartSearch: 'Smart search',
  faceDetection: 'Face detection', facialRecognition: 'Facial recognition', ocr: 'Text recognition',
};
const RUNNABLE = new Set(['metadataExtraction', 'thumbnailGeneration', 'duplicateDetection', 'storageTemplateMigration']);

export async function jobsPage(main) {
  const list = h('div', { class: 'queues' });
  fill(main, h('div', { class: 'page-head' }, h('h1', {}, 'Jobs'),
    h('span', { class: 'muted' }, 'Counts refresh every 2 seconds')), list);
  const cards = new Map();
  const open = new Set();
  let timer = null;
  let stopped = false;

  async function refresh() {
    try {
      const queues = await get('/queues');
      for (const q of queues) {
        if (!cards.has(q.name)) {
          const card = h('section', { class: 'panel queue', dataset: { queue: q.name } });
          cards.set(q.name, card);
          list.append(card);
        }
        await render(cards.get(q.name), q);
      }
    } catch (e) {
      toast(e.message, 'error');
    }
    if (!stopped) timer = setTimeout(refresh, 2000);
  }

  async function act(fn, message) {
    try {
      await fn();
      if (message) toast(message);
    } catch (e) { toast(e.message, 'error'); }
    clearTimeout(timer);
    refresh();
  }

  async function render(card, q) {
    const s = q.statistics;
    const focused = card.contains(document.activeElement) && document.activeElement.tagName === 'INPUT';
    if (focused) return;   // do not redraw under a concurrency the admin is typing
    const concurrency = h('input', { type: 'number', min: '0', max: '1000', value: q.concurrency ?? '', placeholder: 'default',
      'aria-label': 'Concurrency of ' + q.name });
    const leases = (q.pauses || []).filter(p => p.holder !== 'admin');
    const failedList = h('div', { class: 'failed-jobs' });
    fill(clear(card), 
      h('div', { class: 'title' }, h('h2', {}, LABELS[q.name] || q.name), h('code', { class: 'muted' }, q.name),
        h('span', { class: 'pill ' + (q.isPaused ? 'paused' : s.active ? 'running' : '') },
          q.isPaused ? 'paused' : s.active ? 'running' : 'idle')),
      h('div', { class: 'counts' },
        [['active', 'Active'], ['waiting', 'Waiting'], ['delayed', 'Delayed'], ['paused', 'Paused'], ['failed', 'Failed'], ['completed', 'Completed']]
          .map(([k, label]) => h('div', { class: k, dataset: { count: k } }, h('b', {}, String(s[k])), h('span', {}, label)))),
      h('div', { class: 'controls' },
        q.isPaused
          ? button('Resume', null, () => act(() => put(`/queues/${q.name}`, { isPaused: false }), 'Resumed'), { class: 'primary', dataset: { action: 'resume' } })
          : button('Pause', null, () => act(() => put(`/queues/${q.name}`, { isPaused: true }), 'Paused'), { dataset: { action: 'pause' } }),
        RUNNABLE.has(q.name) ? button('Run for missing', null, () => act(() => put(`/jobs/${q.name}`, { command: 'start', force: false }), 'Queued for the assets that lack it')) : null,
        RUNNABLE.has(q.name) ? button('Run for all', null, async () => {
          if (await confirmDialog('Run for every asset?', 'This queues the step again for every asset in the library.', 'Run for all'))
            act(() => put(`/jobs/${q.name}`, { command: 'start', force: true }), 'Queued for every asset');
        }) : null,
        h('label', { class: 'muted', style: { display: 'flex', alignItems: 'center', gap: '.3rem' } }, 'Concurrency', concurrency),
        button('Set', null, () => act(() => put(`/queues/${q.name}/concurrency`, { concurrency: Number(concurrency.value) }), 'Concurrency set')),
        s.failed ? button(open.has(q.name) ? 'Hide failed' : `Show ${s.failed} failed`, null, () => {
          if (open.has(q.name)) open.delete(q.name); else open.add(q.name);
          render(card, q);
        }) : null,
        s.failed ? button('Retry all failed', 'restore', () => act(() => post(`/queues/${q.name}/retry-failed`), 'Failed jobs queued again')) : null,
        s.failed ? button('Clear failed', null, () => act(() => put(`/jobs/${q.name}`, { command: 'clear-failed' }), 'Failed jobs cleared'), { class: 'danger' }) : null),
      leases.length ? h('div', { class: 'leases' }, 'Paused by ', leases.map((p, i) => [i ? ', ' : '',
        h('b', {}, p.holder), p.expiresAt ? ` until ${new Date(p.expiresAt).toLocaleTimeString()}` : '',
        p.queue === 'all' ? ' (all queues)' : ''])) : null,
      failedList);
    if (open.has(q.name) && s.failed) {
      const jobs = await get(`/queues/${q.name}/jobs?status=failed&limit=50`);
      failedList.append(h('ul', {}, jobs.map(j => h('li', { dataset: { job: j.id } },
        h('div', {}, h('b', {}, j.name), ' ', h('span', { class: 'muted' }, `#${j.id} · ${j.state} · attempt ${j.attempt}`), ' ',
          button('Retry', 'restore', () => act(() => post(`/queues/${q.name}/jobs/${j.id}/retry`), `Job ${j.id} queued again`))),
        h('code', {}, (j.errors.at(-1) || {}).message || 'no error recorded')))));
    }
  }

  await refresh();
  return { kind: 'jobs', unmount() { stopped = true; clearTimeout(timer); } };
}

