import type http from 'node:http';
import { readStatus, statusMtime } from '../store/read.js';
import { obj, STALE_STATUS_MS, str } from './records.js';

/**
 * Streams a run's status.json as server-sent events: the status now, then each time the
 * controller rewrites it (checked every `pollMs`), as `status` events; the last one —
 * the run done or aborted, or a status gone stale because its controller died — as
 * `end`, and the stream closes. A comment every 15 s keeps proxies from dropping it.
 */
export function followStatus(dir: string, req: http.IncomingMessage, res: http.ServerResponse, pollMs = 250): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    Connection: 'keep-alive',
  });
  res.write('retry: 2000\n\n');
  let last: number | null = null;
  let done = false;
  const send = (event: string, data: unknown): void => void res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  const stop = (): void => {
    done = true;
    clearInterval(poll);
    clearInterval(beat);
  };
  const tick = (): void => {
    if (done) return;
    const m = statusMtime(dir);
    const s = m === null ? null : obj(readStatus(dir));
    if (s && m !== last) {
      last = m;
      const phase = str(s.phase);
      if (phase === 'done' || phase === 'aborted') {
        send('end', s);
        stop();
        res.end();
        return;
      }
      send('status', s);
    }
    const updated = Date.parse(str(s?.updated) ?? '');
    if (s && Number.isFinite(updated) && Date.now() - updated > STALE_STATUS_MS) {
      send('end', { ...s, phase: 'aborted', stale: true });
      stop();
      res.end();
    }
  };
  const poll = setInterval(tick, pollMs);
  const beat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  req.on('close', stop);
  tick();
}
