import { createReadStream } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { EnvironmentError } from '../util/errors.js';
import { contentTypeOf } from './content-type.js';
import type { ServeOptions } from './options.js';
import { type ListingEntry, renderIndex, renderListing } from './render.js';
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

/**
 * The results store over HTTP: `/` is the index of runs (scanned on every request,
 * so new runs show up), anything else is a file or directory inside the store.
 * Only GET and HEAD; every path is checked twice, as written (resolveRequestPath)
 * and after symlinks are followed (realpath inside the store's realpath).
 */
export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const root = await realpath(opts.store);
  const server = http.createServer((req, res) => {
    handle(root, opts.store, req, res).catch((err: Error) => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', `internal error: ${err.message}\n`);
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

async function handle(root: string, store: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return send(res, 405, 'text/plain; charset=utf-8', 'only GET and HEAD\n');
  }
  const head = req.method === 'HEAD';
  const target = resolveRequestPath(req.url ?? '/');
  if (target.kind === 'refused') return send(res, target.status, 'text/plain; charset=utf-8', `${target.reason}\n`, head);
  if (target.kind === 'index') return send(res, 200, 'text/html; charset=utf-8', renderIndex(scanStore(root), store), head);

  let real: string;
  try {
    real = await realpath(path.join(root, ...target.segments));
  } catch {
    return send(res, 404, 'text/plain; charset=utf-8', 'not found\n', head);
  }
  if (!isInside(root, real)) return send(res, 403, 'text/plain; charset=utf-8', 'outside the store\n', head);
  const st = await stat(real);
  if (st.isDirectory()) return send(res, 200, 'text/html; charset=utf-8', renderListing(target.segments, await listing(root, real)), head);
  if (!st.isFile()) return send(res, 404, 'text/plain; charset=utf-8', 'not a file\n', head);
  res.writeHead(200, { 'Content-Type': contentTypeOf(real), 'Content-Length': st.size, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' });
  if (head) return void res.end();
  await new Promise<void>((resolve, reject) => {
    createReadStream(real).on('error', reject).on('end', resolve).pipe(res);
  });
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
