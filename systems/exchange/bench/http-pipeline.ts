import net from 'node:net';

/**
 * A lean HTTP/1.1 client for benchmarks: one keep-alive TCP connection with
 * pipelining (requests are written without waiting; responses come back in
 * order, RFC 9112 §9.3.2). Node's http.Agent costs ~150 µs of CPU per request,
 * which on 2 shared cores would measure the client rather than the node.
 * Handles only what the node sends: status line, Content-Length bodies.
 */
export class PipelinedConnection {
  private readonly socket: net.Socket;
  private readonly waiting: { resolve: (r: { status: number; body: string }) => void; reject: (e: Error) => void }[] = [];
  private buf = '';
  private failed: Error | null = null;
  private readonly head: string;

  constructor(url: string) {
    const u = new URL(url);
    this.head = `Host: ${u.host}\r\nContent-Type: application/json\r\nContent-Length: `;
    this.socket = net.connect({ host: u.hostname, port: Number(u.port) });
    this.socket.setNoDelay(true);
    this.socket.setEncoding('latin1'); // bodies are ASCII JSON here; latin1 keeps byte offsets = char offsets
    this.socket.on('data', (s: string) => this.onData(s));
    const fail = (err: Error): void => {
      this.failed = err;
      for (const w of this.waiting.splice(0)) w.reject(err);
    };
    this.socket.on('error', fail);
    this.socket.on('close', () => fail(new Error('connection closed')));
  }

  get inflight(): number {
    return this.waiting.length;
  }

  post(path: string, body: string): Promise<{ status: number; body: string }> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.socket.write(`POST ${path} HTTP/1.1\r\n${this.head}${body.length}\r\n\r\n${body}`, 'latin1');
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(s: string): void {
    this.buf = this.buf.length === 0 ? s : this.buf + s;
    let off = 0;
    for (;;) {
      const end = this.buf.indexOf('\r\n\r\n', off);
      if (end < 0) break;
      const headers = this.buf.slice(off, end + 2).toLowerCase();
      const cl = headers.indexOf('content-length:');
      if (cl < 0) throw new Error('response without content-length');
      const len = Number.parseInt(headers.slice(cl + 15, headers.indexOf('\r\n', cl)), 10);
      if (this.buf.length < end + 4 + len) break;
      const status = Number.parseInt(this.buf.slice(off + 9, off + 12), 10);
      const body = this.buf.slice(end + 4, end + 4 + len);
      off = end + 4 + len;
      this.waiting.shift()?.resolve({ status, body });
    }
    this.buf = off === 0 ? this.buf : this.buf.slice(off);
  }
}
