import pino from 'pino';
import { checkCheckpoints } from '../../checkers/checkpoints.js';
import { checkElectionSafety, damagedNodes } from '../../checkers/election.js';
import { checkReplicas, type Reading } from '../../checkers/replicas.js';
import { type CheckerResult, mergeValid, type Valid } from '../../checkers/types.js';
import { buildImage } from '../../docker/image.js';
import { Nemesis } from '../../nemesis/nemesis.js';
import { leaseFreezeFor, makePlan } from '../../nemesis/plan.js';
import { delay, stagger, timeLimit } from '../../workloads/generator.js';
import { makeWorkload } from '../../workloads/index.js';
import { DockerCluster, removeClusters } from '../cluster/docker.js';
import { runPaths } from '../store/layout.js';
import { createRunDir } from '../store/store.js';
import { writeAbortedResults, writeDataListings, writeResults, writeTestJson } from '../store/writers.js';
import { makeSut } from '../sut/registry.js';
import type { SutNode } from '../sut/types.js';
import { VERSION } from '../util/version.js';
import { CheckpointWatch } from './checkpoints.js';
import { runCheckers } from './checks.js';
import type { RunConfig } from './config.js';
import { diskFacts } from './disk-facts.js';
import type { LiveStatus } from './live/status.js';
import { LiveStatusWriter } from './live/writer.js';
import { LeaderWatch, timeToRecover } from './monitor.js';
import { type NemesisReport, runNemesisLoop } from './nemesis-loop.js';
import { mulberry32 } from './random.js';
import { Recorder } from './recorder.js';
import { readDigests } from './replicas.js';
import { countOutcomes, type RunFacts, throughputOf } from './results.js';
import { runPhase, workerPool } from './workers.js';

export interface RunSummary extends RunFacts {
  dir: string;
  valid: Valid;
  results: Record<string, CheckerResult>;
}

/** What a caller follows of a run while it goes on. */
export interface RunHooks {
  /** every second: the live status also written to status.json (the terminal progress) */
  onStatus?: (s: LiveStatus) => void;
}

/** A run that ended before it could be checked: the cluster could not come up, or a bug. */
export class RunAbortedError extends Error {
  constructor(
    readonly dir: string,
    reason: unknown,
  ) {
    super((reason as Error)?.message ?? String(reason), { cause: reason });
  }
}

/** how often every node's applied-log checkpoints are polled (a node keeps its last 512, 51,200 entries) */
const CHECKPOINT_POLL_MS = 2000;
/** how long the replicas' digests are read again while some node is still applying */
const DIGEST_WAIT_MS = 10_000;

/**
 * `faultline run`: cluster up → clients (paced by the generator) and the nemesis
 * for the time limit → heal → recovery wait → final reads → replicas' digests → teardown → checkers →
 * results. Teardown happens on every path (success, failure, SIGINT, SIGTERM) and
 * the history is streamed, so an interrupted run leaves a readable prefix; an
 * interrupted run is not checked (its verdict is unknown).
 */
export async function runTest(cfg: RunConfig, hooks: RunHooks = {}): Promise<RunSummary> {
  const dir = createRunDir(cfg.store, cfg.testName);
  const files = runPaths(dir);
  const log = pino({ base: { test: cfg.testName } }, pino.destination({ dest: files.controllerLog, sync: true }));
  const testJson = { ...cfg, faultline: VERSION, node: process.version, started: new Date().toISOString() };
  writeTestJson(dir, testJson);
  const sut = makeSut(cfg.sut, cfg.sutOpts);
  const workload = makeWorkload(cfg.workload, cfg.concurrency);
  // unique per run, so runs side by side on one engine never touch each other's containers
  const clusterName = `${cfg.testName.replace(/[^\w-]/g, '-').slice(0, 30)}-${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
  const recorder = new Recorder(files.history);
  const client = sut.client(cfg.requestTimeoutMs);
  const workloadClient = client.workload(workload);
  const live = new LiveStatusWriter({ dir, cfg, recorder, workload, onStatus: hooks.onStatus, warn: (m) => log.warn(m) });
  let interrupted = false;
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupted = true;
    if (++signals > 1) {
      process.stderr.write(`faultline: ${signal} again: leaving now; leftovers are removed by the next run or 'faultline cluster down'\n`);
      process.exit(130);
    }
    process.stderr.write(`faultline: ${signal}: stopping clients, healing and tearing down (again to abandon)\n`);
    log.warn({ signal }, 'interrupted');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let cluster: DockerCluster | null = null;
  let watch: LeaderWatch | null = null;
  let checkpoints: CheckpointWatch<SutNode> | null = null;
  let nemesisReport: NemesisReport = { faults: 0, leaderFaults: 0, failures: 0, recoveries: [] };
  let finalRecoveryMs: number | null = null;
  /** every node's state digest after the final reads (checkers/replicas.ts) */
  let digests: { readings: Reading[]; atNs: number } | null = null;
  let loadStartNs = 0;
  let loadEndNs = 0;
  try {
    const image = await buildImage(sut.image());
    log.info({ image }, 'node image ready');
    cluster = await DockerCluster.up({
      name: clusterName,
      sut,
      image: image.tag,
      nodes: cfg.nodes,
      subnet: cfg.subnet,
      dir: files.nodes,
      // the power-cut layer goes under each data directory before its node first starts
      powerCut: cfg.families.includes('power-cut') ? { syncDelayMs: cfg.syncDelayMs } : undefined,
    });
    // what was actually used: the image, and the subnet when it was chosen automatically
    writeTestJson(dir, { ...testJson, image: image.tag, cluster: clusterName, subnet: cluster.opts.subnet });
    const firstLeader = await cluster.waitForLeader(20_000);
    log.info({ leader: firstLeader.id }, 'leader elected');
    watch = new LeaderWatch(cluster, 250, () => recorder.now());
    if (sut.appliedCheckpoints) checkpoints = new CheckpointWatch(cluster.nodes, sut.appliedCheckpoints.bind(sut), CHECKPOINT_POLL_MS, () => recorder.now());
    live.watch(cluster);
    if (!interrupted) await workloadClient.setup?.(firstLeader);

    const c = cluster;
    loadStartNs = recorder.now();
    live.startLoad(loadStartNs);
    const clock = (): number => (recorder.now() - loadStartNs) / 1e6;
    const pool = workerPool({
      concurrency: cfg.concurrency,
      nodes: c.nodes,
      client: workloadClient,
      recorder,
      rand: mulberry32(cfg.seed),
      clock,
      stopped: () => interrupted,
    });
    const endMs = cfg.timeLimitS * 1000;
    const nemesis = new Nemesis(c, cfg.netem);
    const plan = makePlan(cfg.scenario, {
      families: cfg.families,
      topologies: cfg.topologies,
      clockVariants: cfg.clockVariants,
      lossProbability: cfg.lossProbability,
      skewSeconds: cfg.skewSeconds,
      drift: cfg.drift,
      maxFaults: cfg.maxFaults,
      tear: cfg.tear,
      corruptions: cfg.corruptions,
      netem: cfg.netem,
      leaseFreezeMs: leaseFreezeFor(cfg.requestTimeoutMs),
    });
    const [, report] = await Promise.all([
      runPhase(pool, timeLimit(endMs, stagger(1000 / cfg.rate, workload.generator()))),
      cfg.families.length === 0
        ? Promise.resolve(nemesisReport)
        : runNemesisLoop({
            nemesis,
            plan,
            rand: mulberry32(cfg.seed + 1),
            cluster: c,
            recorder,
            intervalS: cfg.intervalS,
            clock,
            endMs,
            stopped: () => interrupted,
            log,
          }),
    ]);
    nemesisReport = report;
    loadEndNs = recorder.now();
    live.setPhase('recovering');

    if (!interrupted) {
      // everything healed: wait until every node agrees, then the final reads
      finalRecoveryMs = await timeToRecover(c, cfg.recoveryTimeoutS * 1000, true);
      log.info({ finalRecoveryMs }, 'recovered');
      const final = workload.final?.();
      live.setPhase('final');
      if (final) await runPhase(pool, timeLimit(cfg.recoveryTimeoutS * 1000, delay(50, final)));
      if (sut.stateDigest) {
        digests = { readings: await readDigests(c.nodes, sut.stateDigest.bind(sut), DIGEST_WAIT_MS), atNs: recorder.now() };
      }
    }
  } catch (err) {
    log.error({ err: (err as Error).message }, 'run aborted');
    writeAbortedResults(dir, (err as Error).message);
    live.finish('aborted');
    throw new RunAbortedError(dir, err);
  } finally {
    live.watch(null);
    await watch?.stop();
    await checkpoints?.stop();
    recorder.close();
    client.close();
    if (cluster) {
      try {
        await cluster.collectLogs(files.nodes).catch(() => {});
        writeDataListings(files.nodes);
      } catch (err) {
        log.error({ err: (err as Error).message }, "cannot list the nodes' data"); // e.g. the run directory removed under us
      } finally {
        // the containers, network and mounts go whatever became of the run's files
        await cluster.destroy().catch((err: Error) => log.error({ err: err.message }, 'teardown failed'));
      }
    } else {
      await removeClusters(clusterName).catch(() => {});
    }
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  live.setPhase('checking');
  const ops = recorder.ops;
  const checked = interrupted ? { valid: 'unknown' as Valid, results: {} } : runCheckers(workload, ops);
  const { results } = checked;
  let { valid } = checked;
  const damaged = damagedNodes(ops);
  if (!interrupted && sut.leaderPerTerm && watch) {
    results.election = checkElectionSafety(watch.claims, damaged);
    valid = mergeValid(valid, results.election.valid);
  }
  if (digests) {
    results.replicas = checkReplicas(digests.readings, digests.atNs, new Set(damaged.keys()));
    valid = mergeValid(valid, results.replicas.valid);
  }
  if (!interrupted && checkpoints) {
    results.checkpoints = checkCheckpoints(checkpoints, new Set(damaged.keys()));
    valid = mergeValid(valid, results.checkpoints.valid);
  }
  const facts: RunFacts = {
    counts: countOutcomes(ops),
    throughput: throughputOf(ops, loadStartNs, loadEndNs),
    faults: nemesisReport.faults,
    leaderFaults: nemesisReport.leaderFaults,
    faultFailures: nemesisReport.failures,
    elections: watch?.elections ?? 0,
    recoveries: nemesisReport.recoveries.sort((a, b) => a.atMs - b.atMs),
    finalRecoveryMs,
    interrupted,
    disk: diskFacts(ops, loadStartNs),
  };
  await writeResults(dir, cfg.testName, ops, valid, results, facts);
  live.finish('done', valid);
  log.info({ valid }, 'checked');
  log.flush?.();
  return { dir, valid, results, ...facts };
}
