import net from 'node:net';
import type { Message } from '../raft/messages.js';
import { encodeFrame, readFrames } from './frames.js';
import type { Member } from './options.js';

export { encodeFrame, readFrames } from './frames.js';

export interface TransportOptions {
  /** messages held per peer while it is unreachable; the oldest are dropped beyond (Raft tolerates loss) */
  maxQueued: number;
  /** bytes a connected peer's socket may buffer before new messages to it are dropped */
  maxBuffered: number;
  connectTimeoutMs: number;
  /** a connection whose written frames are not acknowledged for this long is torn down and redialled */
  peerTimeoutMs: number;
}

export const DEFAULT_TRANSPORT: TransportOptions = { maxQueued: 4096, maxBuffered: 8 << 20, connectTimeoutMs: 500, peerTimeoutMs: 1000 };

/** Receiver → sender liveness frame (length 0): "your bytes arrive". */
const ACK = Buffer.alloc(4);

/**
 * Peer transport: one outgoing TCP connection per peer carrying length-prefixed
 * JSON frames, reconnecting with backoff; bounded queues, so one slow or cut-off
 * peer never blocks the others (messages beyond the bounds are dropped).
 *
 * Why the acks: under an iptables DROP partition a TCP connection does not fail,
 * it retransmits with exponential backoff, so after the heal it can stay silent
 * for as long as the partition lasted. The receiving side writes a 4-byte ack at
 * most every peerTimeoutMs/4 while frames arrive; a sender that hears none for
 * peerTimeoutMs redials, which bounds recovery after a heal (or a SIGCONT).
 */
export class PeerTransport {
  private readonly links = new Map<string, Link>();
  private server: net.Server | null = null;
  private readonly inbound = new Set<net.Socket>();
  private readonly watchdog: NodeJS.Timeout;
  readonly opts: TransportOptions;
  dropped = 0;
  sent = 0;
  bytesSent = 0;
  /** socket writes (one per peer per event-loop turn with traffic) */
  flushes = 0;
  /** established connections lost (peer gone, or torn down after peerTimeoutMs of silence) */
  reconnects = 0;

  constructor(
    private readonly self: string,
    peers: Member[],
    private readonly onMessage: (m: Message) => void,
    opts: Partial<TransportOptions> = {},
  ) {
    this.opts = { ...DEFAULT_TRANSPORT, ...opts };
    for (const p of peers) if (p.id !== self) this.links.set(p.id, new Link(p, this));
    const period = Math.max(10, Math.floor(this.opts.peerTimeoutMs / 4));
    this.watchdog = setInterval(() => {
      const now = Date.now();
      for (const l of this.links.values()) l.check(now);
    }, period);
    this.watchdog.unref();
  }

  listen(host: string, port: number): Promise<void> {
    const ackEvery = Math.max(5, Math.floor(this.opts.peerTimeoutMs / 4));
    this.server = net.createServer((socket) => {
      socket.setNoDelay(true);
      socket.setKeepAlive(true, 5000); // an inbound socket of a vanished sender dies eventually
      this.inbound.add(socket);
      socket.once('close', () => this.inbound.delete(socket));
      let ackTimer: NodeJS.Timeout | null = null;
      readFrames(socket, (m) => {
        if (ackTimer === null) {
          ackTimer = setTimeout(() => {
            ackTimer = null;
            if (!socket.destroyed) socket.write(ACK);
          }, ackEvery);
        }
        this.onMessage(m as Message);
      });
      socket.once('close', () => {
        if (ackTimer) clearTimeout(ackTimer);
      });
    });
    return new Promise((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(port, host, () => resolve());
    });
  }

  send(m: Message): void {
    this.links.get(m.to)?.send(m);
  }

  /** per peer: connected or not, bytes waiting in the socket, messages queued while disconnected */
  status(): { peer: string; connected: boolean; buffered: number; queued: number }[] {
    return [...this.links.values()].map((l) => l.status());
  }

  close(): void {
    clearInterval(this.watchdog);
    this.server?.close();
    for (const s of this.inbound) s.destroy();
    for (const l of this.links.values()) l.close();
  }
}

class Link {
  private socket: net.Socket | null = null;
  private connected = false;
  private queue: Buffer[] = [];
  private backoff = 50;
  private closed = false;
  private corked = false;
  /** when the oldest frame not yet covered by an ack from the peer was written (0: none) */
  private unackedSince = 0;

  constructor(
    private readonly peer: Member,
    private readonly transport: PeerTransport,
  ) {
    this.connect();
  }

  send(m: Message): void {
    const frame = encodeFrame(m);
    const socket = this.socket;
    if (!this.connected || !socket) {
      if (this.queue.length >= this.transport.opts.maxQueued) {
        this.queue.shift();
        this.transport.dropped++;
      }
      this.queue.push(frame);
      return;
    }
    if (socket.writableLength > this.transport.opts.maxBuffered) {
      this.transport.dropped++;
      return;
    }
    if (!this.corked) {
      // coalesce the frames of one event-loop turn into one write
      this.corked = true;
      this.transport.flushes++;
      socket.cork();
      process.nextTick(() => {
        this.corked = false;
        socket.uncork();
      });
    }
    if (this.unackedSince === 0) this.unackedSince = Date.now();
    this.transport.sent++;
    this.transport.bytesSent += frame.length;
    socket.write(frame);
  }

  check(now: number): void {
    if (this.connected && this.unackedSince !== 0 && now - this.unackedSince > this.transport.opts.peerTimeoutMs) {
      this.socket?.destroy(); // silent peer: redial (the close handler schedules it)
    }
  }

  status(): { peer: string; connected: boolean; buffered: number; queued: number } {
    return { peer: this.peer.id, connected: this.connected, buffered: this.socket?.writableLength ?? 0, queued: this.queue.length };
  }

  close(): void {
    this.closed = true;
    this.socket?.destroy();
  }

  private connect(): void {
    if (this.closed) return;
    const socket = net.connect({ host: this.peer.host, port: this.peer.peerPort });
    this.socket = socket;
    socket.setNoDelay(true);
    const timer = setTimeout(() => socket.destroy(new Error('connect timeout')), this.transport.opts.connectTimeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      this.connected = true;
      this.backoff = 50;
      this.unackedSince = 0;
      const queued = this.queue;
      this.queue = [];
      if (queued.length > 0) {
        this.unackedSince = Date.now();
        socket.cork();
        for (const f of queued) socket.write(f);
        socket.uncork();
      }
    });
    socket.on('data', () => {
      this.unackedSince = 0; // only acks come this way
    });
    socket.on('error', () => {});
    socket.once('close', () => {
      clearTimeout(timer);
      if (this.connected) this.transport.reconnects++; // an established connection was lost or torn down
      this.connected = false;
      this.corked = false;
      if (this.socket === socket) this.socket = null;
      if (this.closed) return;
      setTimeout(() => this.connect(), this.backoff).unref();
      this.backoff = Math.min(1000, this.backoff * 2);
    });
  }
}
