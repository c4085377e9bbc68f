import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { execa } from 'execa';
import { FAKETIME_LIB } from '../../docker/image.js';
import { type Lazyfs, type LazyfsOptions, mount, removeStaleMounts } from '../../nemesis/lazyfs.js';
import type { DiskRuntime, ExecResult, NemesisRuntime } from '../../nemesis/runtime.js';
import { nodePaths } from '../store/layout.js';
import { leaderOf } from '../sut/leader.js';
import type { NodeHealth, SystemUnderTest } from '../sut/types.js';
import { EnvironmentError } from '../util/errors.js';

export const LABEL = 'faultline.cluster';
/** `<host>:<pid>` of the controller that owns a cluster, or `manual` (left running on purpose) */
export const OWNER_LABEL = 'faultline.owner';
/** where automatically chosen subnets come from: 172.31.250.0/24 downwards */
const AUTO_SUBNETS = Array.from({ length: 50 }, (_, i) => `172.31.${250 - i}.0/24`);

export interface ClusterOptions {
  name: string;
  /** the system under test: how its nodes start and answer health */
  sut: SystemUnderTest;
  image: string;
  nodes: number;
  /** a /24 the project owns for its test hosts; unset: the first free one of 172.31.250.0/24 downwards */
  subnet?: string;
  /** `manual` for a cluster left running on purpose; by default this controller (host:pid) */
  owner?: string;
  /** host directory holding each node's data/ and clock/ (bind-mounted) */
  dir: string;
  /** mount the power-cut layer (faultline-lazyfs) over each node's data/ before its container first starts */
  powerCut?: LazyfsOptions;
}

export interface ClusterNode {
  id: string;
  ip: string;
  container: string;
  /** host file libfaketime reads the node's clock offset from */
  clockFile: string;
  dataDir: string;
}

export const docker = new Docker();

/** Is a Docker engine answering? */
export async function dockerAvailable(): Promise<boolean> {
  try {
    await docker.ping();
    return true;
  } catch {
    return false;
  }
}

/**
 * A cluster of a system's nodes in Docker: an internal bridge network with a fixed
 * subnet (no route off it), one container per node at a fixed address, NET_ADMIN only,
 * data and clock directories bind-mounted from the run's store. Everything carries
 * the label faultline.cluster=<name>, so leftovers can always be found and removed.
 * It is the nemesis's runtime (nemesis/runtime.ts) on a real engine.
 */
export class DockerCluster implements NemesisRuntime {
  readonly nodes: ClusterNode[];
  readonly disk: DiskRuntime;
  private destroyed = false;
  /** the power-cut layer of each node, when the cluster has one */
  private readonly layers = new Map<string, Lazyfs>();

  private constructor(
    readonly opts: ClusterOptions,
    nodes: ClusterNode[],
  ) {
    this.nodes = nodes;
    this.disk = {
      layer: (id) => this.layers.get(id) ?? null,
      exitCode: async (id) => {
        const info = await this.container(id).inspect();
        return info.State.Running ? null : info.State.ExitCode;
      },
      scratchDir: (id) => path.join(path.dirname(this.node(id).dataDir), 'corrupt'),
    };
  }

  static async up(opts: ClusterOptions): Promise<DockerCluster> {
    if (!(await dockerAvailable())) throw new EnvironmentError('E_NO_DOCKER', 'no Docker engine answers (run bash docker/host-setup.sh)');
    await removeOrphans(); // leftovers of a crashed controller; other live runs are left alone
    await removeStaleMounts(); // power-cut layers whose helper died with its controller
    const owner = opts.owner ?? `${hostname()}:${process.pid}`;
    const labels = { [LABEL]: opts.name, [OWNER_LABEL]: owner };
    // two controllers may pick the same free subnet at once: the loser's network create fails and it tries the next
    const candidates = opts.subnet ? [opts.subnet] : (await freeSubnets()).slice(0, 5);
    if (candidates.length === 0)
      throw new EnvironmentError(
        'E_CLUSTER_UP',
        `no free subnet among ${AUTO_SUBNETS[AUTO_SUBNETS.length - 1]}..${AUTO_SUBNETS[0]}: remove old clusters with 'faultline cluster down'`,
      );
    let subnet = '';
    for (const candidate of candidates) {
      try {
        await docker.createNetwork({
          Name: `faultline-${opts.name}`,
          Driver: 'bridge',
          Internal: true,
          IPAM: { Config: [{ Subnet: candidate }] },
          Labels: labels,
        });
        subnet = candidate;
        break;
      } catch (err) {
        if (candidate === candidates[candidates.length - 1])
          throw new EnvironmentError('E_CLUSTER_UP', `the cluster network could not be created on ${candidate}: ${(err as Error).message}`, { cause: err });
      }
    }
    const base = subnet.replace(/\.0\/24$/, '');
    const nodes: ClusterNode[] = Array.from({ length: opts.nodes }, (_, i) => {
      const id = `n${i + 1}`;
      const files = nodePaths(opts.dir, id);
      return {
        id,
        ip: `${base}.${11 + i}`,
        container: `faultline-${opts.name}-${id}`,
        clockFile: files.clockFile,
        dataDir: files.data,
      };
    });
    const cluster = new DockerCluster({ ...opts, subnet }, nodes);
    try {
      const { sut } = opts;
      // libfaketime only for systems whose clock it moves (it does nothing to a Go binary)
      const clockEnv = sut.fakeClock
        ? [`LD_PRELOAD=${FAKETIME_LIB}`, 'FAKETIME_TIMESTAMP_FILE=/clock/offset', 'FAKETIME_CACHE_DURATION=1', 'FAKETIME_DONT_FAKE_MONOTONIC=1']
        : [];
      if (opts.powerCut) {
        // mounted over the data directory itself (the durable files stay where the run keeps them), before the container binds it
        for (const n of nodes) {
          mkdirSync(n.dataDir, { recursive: true });
          cluster.layers.set(n.id, await mount(n.dataDir, n.dataDir, opts.powerCut));
        }
      }
      await Promise.all(
        nodes.map(async (n) => {
          mkdirSync(n.dataDir, { recursive: true });
          mkdirSync(path.dirname(n.clockFile), { recursive: true });
          writeFileSync(n.clockFile, '+0\n');
          const launch = sut.launch(n, nodes);
          const c = await docker.createContainer({
            name: n.container,
            Image: opts.image,
            Cmd: launch.cmd,
            Env: [...clockEnv, ...Object.entries(launch.env).map(([k, v]) => `${k}=${v}`)],
            Labels: { ...labels, 'faultline.node': n.id },
            HostConfig: {
              CapAdd: ['NET_ADMIN'],
              Binds: [`${n.dataDir}:${sut.dataDir}`, `${path.dirname(n.clockFile)}:/clock`],
              NetworkMode: `faultline-${opts.name}`,
            },
            NetworkingConfig: { EndpointsConfig: { [`faultline-${opts.name}`]: { IPAMConfig: { IPv4Address: n.ip } } } },
          });
          await c.start();
        }),
      );
    } catch (err) {
      await cluster.destroy();
      throw new EnvironmentError('E_CLUSTER_UP', `the cluster could not be brought up: ${(err as Error).message}`, { cause: err });
    }
    return cluster;
  }

  node(id: string): ClusterNode {
    const n = this.nodes.find((x) => x.id === id);
    if (!n) throw new Error(`no node ${id}`);
    return n;
  }

  private container(id: string): Docker.Container {
    return docker.getContainer(this.node(id).container);
  }

  async pid(id: string): Promise<number> {
    const info = await this.container(id).inspect();
    return info.State.Running ? info.State.Pid : 0;
  }

  async state(id: string): Promise<{ running: boolean; paused: boolean }> {
    const info = await this.container(id).inspect();
    return { running: info.State.Running, paused: info.State.Paused };
  }

  /** when the node's container (and so its process and libfaketime) last started, ms since the epoch */
  async startedAt(id: string): Promise<number> {
    const info = await this.container(id).inspect();
    return Date.parse(info.State.StartedAt);
  }

  async kill(id: string): Promise<void> {
    await this.container(id).kill({ signal: 'SIGKILL' });
  }

  async start(id: string): Promise<void> {
    await this.container(id).start();
  }

  async pause(id: string): Promise<void> {
    await this.container(id).pause();
  }

  async unpause(id: string): Promise<void> {
    await this.container(id).unpause();
  }

  health(id: string, timeoutMs = 1000): Promise<NodeHealth | null> {
    return this.opts.sut.health(this.node(id), timeoutMs);
  }

  containerName(id: string): string {
    return this.node(id).container;
  }

  dataDir(id: string): string {
    return this.node(id).dataDir;
  }

  writeClock(id: string, spec: string): void {
    writeFileSync(this.node(id).clockFile, spec);
  }

  async netns(pid: number, argv: readonly string[]): Promise<ExecResult> {
    const r = await execa('nsenter', ['-t', String(pid), '-n', ...argv], { reject: false });
    return { exitCode: r.exitCode ?? 1, stdout: String(r.stdout), stderr: String(r.stderr) };
  }

  /** the node that says it leads in the highest term, if any */
  async leader(): Promise<ClusterNode | null> {
    const hs = await Promise.all(this.nodes.map((n) => this.health(n.id, 500)));
    const leader = leaderOf(hs);
    return leader ? this.nodes[hs.indexOf(leader)] : null;
  }

  async waitForLeader(timeoutMs: number): Promise<ClusterNode> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const l = await this.leader();
      if (l) return l;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new EnvironmentError('E_NO_LEADER', `no leader elected within ${timeoutMs} ms`);
  }

  /** every node's container output into <dir>/<node>/node.log, and the system's log files beside it */
  async collectLogs(dir: string): Promise<void> {
    await Promise.all(
      this.nodes.map(async (n) => {
        try {
          const buf = (await docker.getContainer(n.container).logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
          const files = nodePaths(dir, n.id);
          mkdirSync(files.dir, { recursive: true });
          writeFileSync(files.log, demux(buf));
          for (const file of this.opts.sut.logFiles)
            await execa('docker', ['cp', `${n.container}:${file}`, path.join(files.dir, path.basename(file))], { reject: false });
        } catch {
          // a missing container has no logs to keep
        }
      }),
    );
  }

  /** Idempotent: removes this cluster's containers and network, then unmounts its power-cut layers (which write back what is unsynced: no power was lost). */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    try {
      await removeClusters(this.opts.name);
    } finally {
      const layers = [...this.layers.values()];
      this.layers.clear();
      const results = await Promise.allSettled(layers.map((l) => l.unmount()));
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed.length > 0)
        throw new EnvironmentError('E_TEARDOWN', `power-cut layers left mounted: ${failed.map((f) => (f.reason as Error).message).join('; ')}`);
    }
  }
}

/**
 * Removes what crashed controllers left: clusters whose owner process on this host is
 * gone. Clusters of live runs and manual ones (`cluster up`) stay; `cluster down` removes all.
 */
export async function removeOrphans(): Promise<number> {
  const filters = JSON.stringify({ label: [LABEL] });
  const [containers, networks] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listNetworks({ filters })]);
  const names = new Set<string>();
  for (const x of [...containers, ...networks]) if (x.Labels && isOrphan(x.Labels[OWNER_LABEL])) names.add(x.Labels[LABEL]);
  for (const name of names) await removeClusters(name);
  return names.size;
}

/** Is this owner label a controller on this host that no longer runs? (unlabelled: an old faultline's) */
export function isOrphan(owner: string | undefined, host = hostname(), alive = pidAlive): boolean {
  if (owner === undefined) return true;
  if (owner === 'manual') return false;
  const at = owner.lastIndexOf(':');
  if (owner.slice(0, at) !== host) return false; // another host's controller (a shared engine): not ours to judge
  return !alive(Number(owner.slice(at + 1)));
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** candidate subnets no Docker network uses yet, in order */
async function freeSubnets(): Promise<string[]> {
  const used = new Set<string>();
  for (const n of await docker.listNetworks()) for (const c of n.IPAM?.Config ?? []) if (c.Subnet) used.add(c.Subnet);
  return AUTO_SUBNETS.filter((s) => !used.has(s));
}

/** Removes every container and network labelled by faultline (or one cluster's). */
export async function removeClusters(name?: string): Promise<{ containers: number; networks: number }> {
  const filters = JSON.stringify({ label: [name ? `${LABEL}=${name}` : LABEL] });
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(
    containers.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => {}),
    ),
  );
  const networks = await docker.listNetworks({ filters });
  await Promise.all(
    networks.map((n) =>
      docker
        .getNetwork(n.Id)
        .remove()
        .catch(() => {}),
    ),
  );
  return { containers: containers.length, networks: networks.length };
}

/** Docker's multiplexed log stream (8-byte frame headers) as plain text. */
function demux(buf: Buffer): string {
  let out = '';
  let off = 0;
  while (off + 8 <= buf.length) {
    const len = buf.readUInt32BE(off + 4);
    out += buf.toString('utf8', off + 8, off + 8 + len);
    off += 8 + len;
  }
  return off === 0 ? buf.toString('utf8') : out;
}
