// Live events from /api/socket.io: a minimal socket.io v4 client (Engine.IO 4 over WebSocket only,
// the default namespace, events from the server). The session cookie authenticates the socket.
// Handlers are keyed by event name (on_upload_success, on_asset_update, ...); `connect` runs after
// every (re)connection, so a page can re-read what it shows after a gap.

const listeners = new Map();
let socket = null;
let retry = null;
let stopped = false;
let delay = 1000;

export function on(event, fn) {
  if (!listeners.has(event)) listeners.set(event, new Set());
  listeners.get(event).add(fn);
  return () => listeners.get(event).delete(fn);
}

function fire(event, ...args) {
  for (const fn of listeners.get(event) || []) {
    try { fn(...args); } catch (e) { console.error('live event handler failed', event, e); }
  }
}

export function start() {
  stopped = false;
  if (socket) return;
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const ws = new WebSocket(`${scheme}://${location.host}/api/socket.io/?EIO=4&transport=websocket`);
  socket = ws;
  ws.onmessage = e => {
    const packet = String(e.data);
    switch (packet[0]) {
      case '0': ws.send('40'); break;            // Engine.IO open: join the default namespace
      case '2': ws.send('3'); break;             // ping -> pong
      case '1': ws.close(); break;               // server closes
      case '4': socketIo(ws, packet.slice(1)); break;
    }
  };
  ws.onclose = () => {
    if (socket === ws) socket = null;
    fire('disconnect');
    if (!stopped) {
      retry = setTimeout(start, delay);
      delay = Math.min(delay * 2, 30000);
    }
  };
}

function socketIo(ws, packet) {
  if (packet[0] === '0') { delay = 1000; fire('connect'); return; }
  if (packet[0] === '1') { stopped = true; ws.close(); return; }   // the server disconnected us
  if (packet[0] === '2') {
    const [name, ...args] = JSON.parse(packet.slice(1));
    if (name === 'error' && args[0] === 'unauthorized') stopped = true;
    fire(name, ...args);
  }
}

export function stop() {
  stopped = true;
  clearTimeout(retry);
  if (socket) socket.close();
  socket = null;
}

export function isConnected() {
  return socket !== null && socket.readyState === WebSocket.OPEN;
}
