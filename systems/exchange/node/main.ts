import path from 'node:path';
import { NodeEnvironmentError as EnvironmentError, NodeError } from '../errors.js';
import { ExchangeStateMachine } from '../machine/machine.js';
import type { RaftStorage } from '../raft/storage.js';
import { Replica } from '../replica/replica.js';
import { FileStorage } from '../storage/file-storage.js';
import { MemoryStorage } from '../storage/memory-storage.js';
import { createHttpApi } from './http-api.js';
import { nodeLogger } from './log.js';
import { NodeMetrics } from './metrics.js';
import { parseNodeOptions } from './options.js';
import { PeerTransport } from './transport.js';

/** The exchange node process: one per container (or per loopback port set in tests). */
async function main(): Promise<void> {
  const opts = parseNodeOptions(process.argv.slice(2), process.env);
  const log = nodeLogger(opts.id);
  const storage: RaftStorage =
    opts.modes.persist === 'none'
      ? new MemoryStorage()
      : new FileStorage(
          path.resolve(opts.dataDir),
          { onTornTail: (file, offset, bytes, reason) => log('torn-tail-truncated', { file, offset, bytes, reason }) },
          { fsync: opts.modes.fsync },
        );
  let transport: PeerTransport | null = null;
  const replica = await Replica.start({
    id: opts.id,
    peers: opts.members.map((m) => m.id),
    storage,
    machine: new ExchangeStateMachine(),
    modes: opts.modes,
    send: (m) => transport?.send(m),
    electionTicks: opts.electionTicks,
    heartbeatTicks: opts.heartbeatTicks,
    leaseMs: opts.leaseMs,
    snapshotEvery: opts.snapshotEvery,
    checkpointEvery: opts.checkpointEvery,
    log,
  });
  transport = new PeerTransport(opts.id, opts.members, (m) => replica.receive(m), {
    peerTimeoutMs: opts.peerTimeoutMs,
    maxQueued: opts.peerQueue,
  });
  await transport.listen(opts.bind, opts.self.peerPort).catch((err: Error) => {
    throw new EnvironmentError('E_LISTEN', `cannot listen for peers on ${opts.bind}:${opts.self.peerPort}: ${err.message}`);
  });
  const metrics = new NodeMetrics(replica, transport);
  const http = createHttpApi(opts, replica, metrics);
  await new Promise<void>((resolve, reject) => {
    http.once('error', (err) => reject(new EnvironmentError('E_LISTEN', `cannot listen for clients on ${opts.bind}:${opts.self.clientPort}: ${err.message}`)));
    http.listen(opts.self.clientPort, opts.bind, resolve);
  });
  const ticker = setInterval(() => replica.tick(), opts.tickMs);
  const collector = setInterval(() => metrics.collect(), 1000);
  log('started', { bind: opts.bind, peerPort: opts.self.peerPort, clientPort: opts.self.clientPort, modes: opts.modes });

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log('stopping', { signal });
    clearInterval(ticker);
    clearInterval(collector);
    http.close(); // no new connections
    http.closeIdleConnections();
    transport?.close();
    await replica.close(); // answers what is in flight (leader-lost), waits for the last fsync, closes the WAL
    http.closeAllConnections();
    log('stopped', { signal, appliedIndex: replica.appliedIndex });
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  if (err instanceof NodeError) {
    process.stderr.write(`faultline-node: ${err.message}\n`);
    process.exit(err.exitCode);
  }
  process.stderr.write(`faultline-node: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(255);
});
