import { writeFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { buildImage } from '../../docker/image.js';
import { Nemesis } from '../../nemesis/nemesis.js';
import { mergeValid, type CheckerResult, type Valid } from '../../checkers/types.js';
import { bankWorkload } from '../../workloads/bank.js';
import { ordersWorkload } from '../../workloads/orders.js';
import { registerWorkload } from '../../workloads/register.js';
import { setWorkload } from '../../workloads/set.js';
import type { Invocation, Workload } from '../../workloads/workload.js';
import { DockerCluster, removeClusters } from '../cluster/docker.js';
import { HistoryWriter } from '../history/jsonl.js';
import type { Op } from '../history/types.js';
import { faultWindows } from '../report/faults.js';
import { completedOps, quantile } from '../report/stats.js';
import { renderViolationHtml } from '../report/violation-html.js';
import { writeRunPictures } from '../report/write.js';
import { createRunDir, writeJson } from '../store/store.js';
import { NodeClient } from './client.js';
import type { RunConfig } from './config.js';
import { mulberry32 } from './random.js';

export interface RunSummary {
  dir: string;
  /** completed client ops per second over the load phase, and latency quantiles of ok ops (ms) */
  throughput: { opsPerSecond: number; p50: number; p99: number };
  valid: Valid;
  results: Record<string, CheckerResult>;
  counts: Record<string, number>;
  faults: number;
  recoveryMs: number | null;
  interrupted: boolean;
}

/**
 * `faultline run`: cluster up → clients and nemesis for the time limit → heal →
 * recovery wait → final reads → teardown → checkers → results. Teardown happens
 * on every path (success, failure, SIGINT, SIGTERM), and the history is streamed,
 * so an interrupted run leaves a readable prefix.
 */
export async function runTest(cfg: RunConfig): Promise<RunSummary> {
  const dir = createRunDir(cfg.store, cfg.testName);
  const log = pino({ base: { test: cfg.testName } }, pino.destination({ dest: path.join(dir, 'controller.log'), sync: true }));
  const workloads: Record<RunConfig['workload'], () => Workload> = { register: registerWorkload, set: setWorkload, bank: bankWorkload, orders: ordersWorkload };
  const workload = workloads[cfg.workload]();
  const rand = mulberry32(cfg.seed);
  const history = new HistoryWriter(path.join(dir, 'history.jsonl'));
  const ops: Op[] = [];
  const t0 = process.hrtime.bigint();
  const now = (): number => Number(process.hrtime.bigint() - t0);
  const record = (op: Omit<Op, 'index' | 'time'>): Op => {
    const full = { index: ops.length, time: now(), ...op } as Op;
    ops.push(full);
    history.append(full);
    return full;
  };
  let interrupted = false;
  let cluster: DockerCluster | null = null;
  const onSignal = (signal: string): void => {
    interrupted = true;
    log.warn({ signal }, 'interrupted: stopping clients, healing and tearing down');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const client = new NodeClient(cfg.requestTimeoutMs);
  let recoveryMs: number | null = null;
  let faults = 0;
  let loadStartNs = 0;
  let loadEndNs = 0;
  try {
    const image = await buildImage();
    log.info({ image }, 'node image ready');
    writeJson(path.join(dir, 'test.json'), { ...cfg, image: image.tag, node: process.version, started: new Date().toISOString() });
    cluster = await DockerCluster.up({ name: cfg.testName.replace(/[^\w-]/g, '-').slice(0, 40), image: image.tag, nodes: cfg.nodes, subnet: cfg.subnet, dir: path.join(dir, 'nodes'), nodeOpts: cfg.nodeOpts });
    const firstLeader = await cluster.waitForLeader(20_000);
    log.info('leader elected');
    const c = cluster;
    await workload.setup?.(client, firstLeader.url);
    const nemesis = new Nemesis(c, { families: cfg.families, topologies: cfg.topologies, lossProbability: cfg.lossProbability, skewSeconds: cfg.skewSeconds, rand });
    const endAt = Date.now() + cfg.timeLimitS * 1000;
    loadStartNs = now();
    const running = (): boolean => !interrupted && Date.now() < endAt;

    // clients: each worker paces itself to its share of the target rate
    const perWorkerGap = (1000 * cfg.concurrency) / cfg.rate;
    const worker = async (w: number): Promise<void> => {
      let proc = w;
      let seq = 0;
      const url = c.nodes[w % c.nodes.length].url;
      while (running()) {
        const started = Date.now();
        const inv = workload.generate(rand);
        if (!(await perform(workload, inv, proc, ++seq, url))) proc += cfg.concurrency; // info: the process is retired
        const wait = perWorkerGap * (0.5 + rand()) - (Date.now() - started);
        if (wait > 0) await sleep(wait);
      }
    };
    const perform = async (wl: Workload, inv: Invocation, proc: number, seq: number, url: string): Promise<boolean> => {
      record({ type: 'invoke', process: proc, f: inv.f, value: inv.value });
      const { outcome, value } = await wl.invoke({ client, url, clientId: `p${proc}`, seq }, inv);
      // `node`: which node answered, so an anomaly can be traced to the node that served it
      if (outcome.type === 'ok') record({ type: 'ok', process: proc, f: inv.f, value, node: outcome.body.node });
      else record({ type: outcome.type, process: proc, f: inv.f, value: inv.value, error: outcome.error });
      return outcome.type !== 'info';
    };
    const nemesisLoop = async (): Promise<void> => {
      if (cfg.families.length === 0) return;
      await sleep(Math.min(cfg.intervalS * 1000, 2000));
      while (running()) {
        const started = await nemesis.start().catch((err: Error) => (log.error({ err: err.message }, 'fault failed'), null));
        if (started) {
          faults++;
          record({ type: 'info', process: 'nemesis', f: started.f, value: started.value });
        }
        await sleepWhile(cfg.intervalS * 1000, running);
        const stopped = await nemesis.stop().catch((err: Error) => (log.error({ err: err.message }, 'heal failed'), null));
        if (stopped) record({ type: 'info', process: 'nemesis', f: stopped.f, value: stopped.value });
        await sleepWhile(cfg.intervalS * 1000, running);
      }
      const stopped = await nemesis.stop();
      if (stopped) record({ type: 'info', process: 'nemesis', f: stopped.f, value: stopped.value });
    };
    await Promise.all([...Array.from({ length: cfg.concurrency }, (_, w) => worker(w)), nemesisLoop()]);
    loadEndNs = now();

    if (!interrupted) {
      // recovery: every node answers and agrees on the applied index
      const healed = Date.now();
      recoveryMs = await waitForConvergence(c, cfg.recoveryTimeoutS * 1000);
      log.info({ recoveryMs, sinceHeal: Date.now() - healed }, 'recovery');
      for (const inv of workload.finalReads?.() ?? []) {
        const leader = (await c.leader()) ?? c.nodes[0];
        await perform(workload, inv, 10_000, 1, leader.url);
      }
    }
  } finally {
    history.close();
    client.close();
    if (cluster) {
      await cluster.collectLogs(path.join(dir, 'nodes')).catch(() => {});
      await cluster.destroy().catch((err: Error) => log.error({ err: err.message }, 'teardown failed'));
    } else {
      await removeClusters().catch(() => {});
    }
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  const results = interrupted ? {} : workload.check(ops);
  let valid: Valid = interrupted ? 'unknown' : true;
  for (const r of Object.values(results)) valid = mergeValid(valid, r.valid);
  const done = completedOps(ops);
  const okLatencies = Float64Array.from(done.filter((d) => d.outcome === 'ok').map((d) => d.end - d.start)).sort();
  const throughput = {
    opsPerSecond: Math.round(done.length / Math.max(1e-9, (loadEndNs - loadStartNs) / 1e9)),
    p50: Math.round(quantile(okLatencies, 0.5) / 1e4) / 100,
    p99: Math.round(quantile(okLatencies, 0.99) / 1e4) / 100,
  };
  const counts: Record<string, number> = { ok: 0, fail: 0, info: 0 };
  for (const op of ops) if (op.process !== 'nemesis' && op.type !== 'invoke') counts[op.type]++;
  writeJson(path.join(dir, 'results.json'), { valid, ...results, stats: counts, throughput, faults, recoveryMs, interrupted });
  await writeRunPictures(dir, ops, cfg.testName);
  const lin = results.linearizable as Parameters<typeof renderViolationHtml>[0] | undefined;
  if (lin && lin.valid === false) writeFileSync(path.join(dir, 'linearizability.html'), renderViolationHtml(lin, { file: path.join(dir, 'history.jsonl'), model: 'cas-register' }));
  log.info({ valid, faults: faultWindows(ops).length }, 'checked');
  log.flush?.();
  return { dir, valid, results, counts, throughput, faults, recoveryMs, interrupted };
}

async function waitForConvergence(c: DockerCluster, timeoutMs: number): Promise<number | null> {
  const t = Date.now();
  while (Date.now() - t < timeoutMs) {
    const hs = await Promise.all(c.nodes.map((n) => c.health(n)));
    if (hs.every((h) => h !== null) && hs.some((h) => h?.role === 'leader')) {
      const applied = hs.map((h) => h?.appliedIndex ?? -1);
      if (Math.min(...applied) === Math.max(...applied)) return Date.now() - t;
    }
    await sleep(200);
  }
  return null;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function sleepWhile(ms: number, cond: () => boolean): Promise<void> {
  const end = Date.now() + ms;
  while (cond() && Date.now() < end) await sleep(Math.min(200, end - Date.now()));
}
