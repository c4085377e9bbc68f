import net from 'node:net';

/**
 * A small HTTP/1.1 server for the node's client API: keep-alive, pipelining,
 * Content-Length and chunked request bodies, `Expect: 100-continue`. Only what
 * the API needs: a handler gets the method, target and whole body, and answers
 * once with a status and a text body.
 *
 * Why not node:http: under the write benchmark its per-request machinery
 * (IncomingMessage/ServerResponse streams, header objects, one socket write per
 * response, pipelined responses released one 'finish' at a time) cost the leader
 * about 18 µs of CPU per request against 8 µs here, on 2 cores shared by the
 * whole cluster. Responses completed in one event-loop turn leave in one write.
 */
export interface HttpRequest {
  method: string;
  /** the request target as sent, e.g. /v1/command */
  url: string;
  body: Buffer;
  /** the body exceeded maxBodyBytes: `body` is empty and the connection closes after the answer */
  tooLarge: boolean;
}

export interface HttpResponse {
  /** answers the request (later calls are ignored) */
  send(status: number, body: string, contentType?: string): void;
  readonly sent: boolean;
}

export interface HttpServerOptions {
  maxBodyBytes: number;
  /** an idle keep-alive connection is closed after this long */
  keepAliveMs: number;
  /** request line and headers, at most */
  maxHeaderBytes?: number;
}

export interface HttpServer extends net.Server {
  /** closes connections with no request in progress */
  closeIdleConnections(): void;
  closeAllConnections(): void;
}

const REASONS: Record<number, string> = {
  100: 'Continue',
  200: 'OK',
  400: 'Bad Request',
  404: 'Not Found',
  409: 'Conflict',
  421: 'Misdirected Request',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');
const CRLF = Buffer.from('\r\n', 'latin1');

class Slot implements HttpResponse {
  text: string | null = null;
  constructor(
    private readonly conn: Connection,
    readonly close: boolean,
  ) {}

  get sent(): boolean {
    return this.text !== null || this.conn.destroyed;
  }

  send(status: number, body: string, contentType = 'application/json'): void {
    if (this.text !== null) return;
    this.text =
      `HTTP/1.1 ${status} ${REASONS[status] ?? 'Unknown'}\r\ncontent-type: ${contentType}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
      `${this.close ? 'connection: close\r\n' : ''}\r\n${body}`;
    this.conn.scheduleFlush();
  }
}

/** parse state of a request whose body is still arriving */
interface Partial {
  method: string;
  url: string;
  close: boolean;
  /** Content-Length still to read, or -1 for chunked */
  length: number;
  chunks: Buffer[];
  size: number;
  tooLarge: boolean;
  /** chunked: the size of the chunk being read (-1: reading a size line; -2: reading trailers) */
  chunkLeft: number;
}

class Connection {
  private buf: Buffer | null = null;
  private readonly slots: Slot[] = [];
  private partial: Partial | null = null;
  private flushScheduled = false;
  /** a request asked to close (or could not be parsed): read nothing after it */
  private closing = false;
  destroyed = false;

  constructor(
    readonly socket: net.Socket,
    private readonly opts: Required<HttpServerOptions>,
    private readonly handler: (req: HttpRequest, res: HttpResponse) => void,
    private readonly onClose: () => void,
  ) {
    socket.setNoDelay(true);
    socket.setTimeout(opts.keepAliveMs);
    socket.on('timeout', () => {
      if (this.idle) socket.destroy();
    });
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', () => {});
    socket.on('close', () => {
      this.destroyed = true;
      onClose();
    });
  }

  /** no request in progress: none waiting for an answer, none partly received */
  get idle(): boolean {
    return this.slots.length === 0 && this.partial === null && (this.buf === null || this.buf.length === 0);
  }

  scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    process.nextTick(() => this.flush());
  }

  /** writes the answered requests at the head of the pipeline, in order, in one write */
  private flush(): void {
    this.flushScheduled = false;
    if (this.destroyed) return;
    let out = '';
    let close = false;
    while (this.slots.length > 0 && this.slots[0].text !== null) {
      const s = this.slots.shift() as Slot;
      out += s.text;
      if (s.close) {
        close = true;
        this.slots.length = 0;
        break;
      }
    }
    if (out.length > 0) this.socket.write(out, 'utf8');
    if (close) this.socket.end();
  }

  private onData(d: Buffer): void {
    if (this.closing) return;
    const buf = this.buf === null || this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
    let off = 0;
    while (off < buf.length && !this.closing) {
      if (this.partial === null) {
        const end = buf.indexOf(CRLFCRLF, off);
        if (end < 0) {
          if (buf.length - off > this.opts.maxHeaderBytes) {
            this.reject(431, 'request headers too large');
            return;
          }
          break;
        }
        if (end - off > this.opts.maxHeaderBytes) {
          this.reject(431, 'request headers too large');
          return;
        }
        const p = this.parseHead(buf.toString('latin1', off, end));
        if (p === null) return;
        off = end + 4;
        this.partial = p;
      }
      const used = this.readBody(buf, off);
      if (used < 0) return; // rejected
      off = used;
      if (this.partial !== null) break; // body incomplete: wait for more
    }
    this.buf = off >= buf.length ? null : buf.subarray(off);
    // don't pin a large chunk for a small remainder
    if (this.buf !== null && this.buf.length < 4096 && buf.length > 65536) this.buf = Buffer.from(this.buf);
  }

  /** parses the request line and headers; null if rejected */
  private parseHead(head: string): Partial | null {
    const lines = head.split('\r\n');
    const m = /^([A-Z]+) (\S+) HTTP\/1\.([01])$/.exec(lines[0]);
    if (!m) {
      this.reject(400, 'malformed request line');
      return null;
    }
    let length = 0;
    let chunked = false;
    let connection = '';
    let expectContinue = false;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i];
      const colon = line.indexOf(':');
      if (colon <= 0) {
        this.reject(400, 'malformed header');
        return null;
      }
      // only four header names matter: compare by length first, lower-case only those
      const n = line.slice(0, colon).trim();
      if (n.length !== 14 && n.length !== 17 && n.length !== 10 && n.length !== 6) continue;
      const name = n.toLowerCase();
      if (name === 'content-length') {
        const v = line.slice(colon + 1).trim();
        if (!/^\d+$/.test(v)) {
          this.reject(400, 'bad content-length');
          return null;
        }
        length = Number(v);
      } else if (name === 'transfer-encoding') {
        chunked =
          line
            .slice(colon + 1)
            .trim()
            .toLowerCase() === 'chunked';
        if (!chunked) {
          this.reject(400, 'unsupported transfer-encoding');
          return null;
        }
      } else if (name === 'connection')
        connection = line
          .slice(colon + 1)
          .trim()
          .toLowerCase();
      else if (name === 'expect')
        expectContinue =
          line
            .slice(colon + 1)
            .trim()
            .toLowerCase() === '100-continue';
    }
    const close = m[3] === '0' ? connection !== 'keep-alive' : connection === 'close';
    const tooLarge = !chunked && length > this.opts.maxBodyBytes;
    if (expectContinue && !tooLarge) this.socket.write('HTTP/1.1 100 Continue\r\n\r\n', 'latin1');
    return { method: m[1], url: m[2], close: close || tooLarge, length: chunked ? -1 : length, chunks: [], size: 0, tooLarge, chunkLeft: -1 };
  }

  /** consumes body bytes from buf at off; returns the new offset, or -1 if the request was rejected */
  private readBody(buf: Buffer, off: number): number {
    const p = this.partial as Partial;
    if (p.tooLarge) {
      this.dispatch(p);
      return buf.length;
    }
    if (p.length >= 0) {
      const take = Math.min(p.length - p.size, buf.length - off);
      if (take > 0) p.chunks.push(buf.subarray(off, off + take));
      p.size += take;
      off += take;
      if (p.size === p.length) this.dispatch(p);
      return off;
    }
    // chunked
    while (off < buf.length) {
      if (p.chunkLeft === -1 || p.chunkLeft === -2) {
        const eol = buf.indexOf(CRLF, off);
        if (eol < 0) {
          if (buf.length - off > 1024) return this.reject(400, 'malformed chunk');
          return off;
        }
        const line = buf.toString('latin1', off, eol);
        off = eol + 2;
        if (p.chunkLeft === -2) {
          if (line === '') {
            this.dispatch(p);
            return off;
          }
          continue; // a trailer field: ignored
        }
        const size = Number.parseInt(line.split(';')[0].trim(), 16);
        if (!Number.isSafeInteger(size) || size < 0 || !/^[0-9a-fA-F]+$/.test(line.split(';')[0].trim())) return this.reject(400, 'malformed chunk size');
        if (size === 0) {
          p.chunkLeft = -2;
          continue;
        }
        if (p.size + size > this.opts.maxBodyBytes) {
          p.tooLarge = true;
          p.close = true;
          p.chunks = [];
          this.dispatch(p);
          return buf.length;
        }
        p.chunkLeft = size + 2; // data and its CRLF
        continue;
      }
      const take = Math.min(p.chunkLeft, buf.length - off);
      const data = Math.min(take, Math.max(0, p.chunkLeft - 2));
      if (data > 0) {
        p.chunks.push(buf.subarray(off, off + data));
        p.size += data;
      }
      p.chunkLeft -= take;
      off += take;
      if (p.chunkLeft === 0) p.chunkLeft = -1;
    }
    return off;
  }

  private dispatch(p: Partial): void {
    this.partial = null;
    const slot = new Slot(this, p.close);
    this.slots.push(slot);
    if (p.close) this.closing = true;
    const body = p.chunks.length === 0 ? Buffer.alloc(0) : p.chunks.length === 1 ? Buffer.from(p.chunks[0]) : Buffer.concat(p.chunks, p.size);
    this.handler({ method: p.method, url: p.url, body, tooLarge: p.tooLarge }, slot);
  }

  /** answers a request that cannot be parsed (after those before it) and closes */
  private reject(status: number, message: string): -1 {
    this.partial = null;
    this.closing = true;
    this.buf = null;
    const slot = new Slot(this, true);
    this.slots.push(slot);
    slot.send(status, JSON.stringify({ ok: false, error: { code: 'bad-request', definite: true, message } }));
    return -1;
  }
}

export function createHttpServer(opts: HttpServerOptions, handler: (req: HttpRequest, res: HttpResponse) => void): HttpServer {
  const o: Required<HttpServerOptions> = { maxHeaderBytes: 16 * 1024, ...opts };
  const conns = new Set<Connection>();
  const server = net.createServer((socket) => {
    const c: Connection = new Connection(socket, o, handler, () => conns.delete(c));
    conns.add(c);
  }) as HttpServer;
  server.closeIdleConnections = () => {
    for (const c of conns) if (c.idle) c.socket.destroy();
  };
  server.closeAllConnections = () => {
    for (const c of conns) c.socket.destroy();
  };
  return server;
}
