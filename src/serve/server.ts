import { createReadStream } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { nodePaths, RUN_FILES } from '../store/layout.js';
import { readRunDir, readTail } from '../store/read.js';
import { EnvironmentError } from '../util/errors.js';
import { contentTypeOf } from './content-type.js';
import { followStatus } from './events.js';
import { hostAllowed } from './host.js';
import type { ServeOptions } from './options.js';
import { renderCampaignPage } from './pages/campaign.js';
import { type ListingEntry, renderIndex, renderListing } from './pages/index.js';
import { renderLivePage } from './pages/live.js';
import { renderRunPage } from './pages/run.js';
import { filterFromQuery, isLive } from './records.js';
import { isInside, resolveRequestPath } from './resolve.js';
import { scanStore } from './scan.js';

export interface RunningServer {
  url: string;
  server: http.Server;
  close(): Promise<void>;
}

/** Could not listen (address in use, host not local). */
export class ServeListenError extends EnvironmentError {
  constructor(host: string, port: number, cause: Error) {
    super('E_SERVE_LISTEN', `cannot listen on ${host}:${port}: ${cause.message}`, { cause });
  }
}

const LOG_TAIL_BYTES = 16 * 1024;
const HTML = 'text/html; charset=utf-8';
const TEXT = 'text/plain; charset=utf-8';

/**
 * The results store as a dashboard over HTTP. `/` is the index of runs and campaigns
 * (read on every request, filterable by its query string); a run's directory is its
 * page (or, while the run goes on, its live page, which follows `/-/events/<test>/<stamp>`);
 * a campaign's directory its page; `?files` lists a directory; anything else is a file
 * of the store. Only GET and HEAD, only for a Host header that names us (DNS
 * rebinding); every path is checked as written and after symlinks are followed.
 */
export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const root = await realpath(opts.store);
  const server = http.createServer((req, res) => {
    handle(root, opts, req, res).catch((err: Error) => {
      if (!res.headersSent) send(res, 500, TEXT, `internal error: ${err.message}\n`);
      else res.destroy(err);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new ServeListenError(opts.host, opts.port, err)));
    server.listen(opts.port, opts.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}/`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(root: string, opts: ServeOptions, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  if (!hostAllowed(req.headers.host, opts.host, opts.allowHosts)) {
    return send(
      res,
      403,
      TEXT,
      `forbidden: the Host header ${JSON.stringify(req.headers.host ?? '')} is not a name of this server (DNS rebinding protection); start serve with --allow-host <name> to accept it\n`,
    );
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return send(res, 405, TEXT, 'only GET and HEAD\n');
  }
  const head = req.method === 'HEAD';
  const url = req.url ?? '/';
  const query = new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1).split('#')[0] : '');
  if (url.startsWith('/-/events/')) return events(root, url.slice('/-/events'.length), req, res);
  const target = resolveRequestPath(url);
  if (target.kind === 'refused') return send(res, target.status, TEXT, `${target.reason}\n`, head);
  if (target.kind === 'index') {
    return send(res, 200, HTML, renderIndex(scanStore(root), opts.store, filterFromQuery(query)), head);
  }

  let real: string;
  try {
    real = await realpath(path.join(root, ...target.segments));
  } catch {
    return send(res, 404, TEXT, 'not found\n', head);
  }
  if (!isInside(root, real)) return send(res, 403, TEXT, 'outside the store\n', head);
  const st = await stat(real);
  if (st.isDirectory()) {
    const at = runAt(root, real);
    const c = at && !query.has('files') ? readRunDir(root, at.test, at.stamp) : null;
    if (c) {
      if (c.campaignJson !== undefined && c.testJson === undefined) return send(res, 200, HTML, renderCampaignPage(c, root), head);
      if (isLive(c)) return send(res, 200, HTML, renderLivePage(c), head);
      const tails = c.nodeLogs.flatMap((node) => {
        const t = readTail(nodePaths(path.join(c.dir, RUN_FILES.nodes), node).log, LOG_TAIL_BYTES);
        return t ? [{ node, ...t }] : [];
      });
      return send(res, 200, HTML, renderRunPage(c, tails), head);
    }
    return send(res, 200, HTML, renderListing(target.segments, await listing(root, real)), head);
  }
  if (!st.isFile()) return send(res, 404, TEXT, 'not a file\n', head);
  res.writeHead(200, { 'Content-Type': contentTypeOf(real), 'Content-Length': st.size, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' });
  if (head) return void res.end();
  await new Promise<void>((resolve, reject) => {
    createReadStream(real).on('error', reject).on('end', resolve).pipe(res);
  });
}

/** `<store>/<test>/<stamp>` for a directory two levels below the store (after links were followed). */
function runAt(root: string, real: string): { test: string; stamp: string } | null {
  const parts = path.relative(root, real).split(path.sep);
  return parts.length === 2 && parts.every((p) => p !== '' && p !== '..') ? { test: parts[0], stamp: parts[1] } : null;
}

/** Server-sent events of a run's status.json (`/-/events/<test>/<stamp>`). */
async function events(root: string, rest: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const target = resolveRequestPath(rest);
  if (target.kind !== 'path' || target.segments.length !== 2) return send(res, 404, TEXT, 'expected /-/events/<test>/<stamp>\n');
  let real: string;
  try {
    real = await realpath(path.join(root, ...target.segments));
  } catch {
    return send(res, 404, TEXT, 'not found\n');
  }
  const at = runAt(root, real);
  if (!isInside(root, real) || !at || !readRunDir(root, at.test, at.stamp)) return send(res, 404, TEXT, 'not a run\n');
  followStatus(real, req, res);
}

/** A directory's entries, symlinks followed; links leading out of the store are left out. */
async function listing(root: string, dir: string): Promise<ListingEntry[]> {
  const out: ListingEntry[] = [];
  for (const name of await readdir(dir)) {
    if (name.startsWith('.')) continue;
    try {
      const real = await realpath(path.join(dir, name));
      if (!isInside(root, real)) continue;
      const st = await stat(real);
      out.push({ name, dir: st.isDirectory(), size: st.size });
    } catch {
      // a dangling link or a file removed meanwhile: not listed
    }
  }
  return out;
}

function send(res: http.ServerResponse, status: number, type: string, body: string, head = false): void {
  const bytes = Buffer.from(body);
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': bytes.length, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' });
  res.end(head ? undefined : bytes);
}
