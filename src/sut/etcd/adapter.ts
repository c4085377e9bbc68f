import { existsSync } from 'node:fs';
import { binaryWithLibraries } from '../../../docker/rootfs.js';
import { EnvironmentError } from '../../util/errors.js';
import type { NodeHealth, StateDigest, SutNode, SystemUnderTest } from '../types.js';
import type { HashResponse, MemberListResponse, Status } from './api.js';
import { EtcdClient } from './client.js';
import { int64 } from './codec.js';
import { resolveEtcdOptions } from './options.js';
import { memberNames, statusToHealth } from './status.js';
import { etcdWorkloadClient } from './workloads.js';

/** where Debian's etcd-server package puts the binary (bash docker/host-setup.sh installs it) */
export const ETCD_BINARY = '/usr/bin/etcd';
const CLIENT_PORT = 2379;
const PEER_PORT = 2380;

const clientUrl = (n: SutNode): string => `http://${n.ip}:${CLIENT_PORT}`;
const peerUrl = (n: SutNode): string => `http://${n.ip}:${PEER_PORT}`;

/**
 * Why clock faults do not apply: libfaketime works by replacing libc's time calls,
 * and Go reads the clock through the vDSO (or raw syscalls) without libc. Checked on
 * this machine with etcd 3.4.23 under LD_PRELOAD=libfaketime and FAKETIME=+100d: the
 * library was mapped into etcd's process, `date` under the same environment was 100
 * days ahead, and etcd's log timestamps stayed on real time.
 */
export const ETCD_CLOCK_REASON =
  'libfaketime cannot move its clock: it replaces libc time calls, and a Go binary such as etcd reads time through the vDSO and raw syscalls without libc (verified: preloaded into etcd 3.4.23 with a +100 day offset, etcd kept real time)';

/**
 * etcd 3.4 (Debian's etcd-server) as the system under test: one member per
 * container, bootstrapped statically (`--initial-cluster` of every member, named by
 * our node ids), its data directory the bind-mounted /data so kill and restart keep
 * it. Clients speak the v3 JSON gateway on :2379 (workloads.ts); health and the
 * leader come from /v3/maintenance/status.
 */
export function etcdSut(given: Record<string, string>): SystemUnderTest {
  const o = resolveEtcdOptions(given);
  // member id → node id: learnt from each member's own status, else from the member list
  const names = new Map<string, string>();
  const probe = new EtcdClient(1000);
  return {
    name: 'etcd',
    options: given,
    workloads: ['register', 'set', 'bank'],
    unsupportedFaults: { clock: ETCD_CLOCK_REASON },
    fakeClock: false,
    dataDir: '/data',
    logFiles: [],
    image() {
      if (!existsSync(ETCD_BINARY))
        throw new EnvironmentError('E_NO_ETCD', `${ETCD_BINARY} is missing: install Debian's etcd-server (bash docker/host-setup.sh)`);
      return { repo: 'faultline-etcd', files: binaryWithLibraries(ETCD_BINARY), dirs: ['data'], entrypoint: [ETCD_BINARY] };
    },
    launch(node, cluster) {
      const cmd = [
        '--name',
        node.id,
        '--data-dir',
        '/data',
        '--listen-client-urls',
        `http://0.0.0.0:${CLIENT_PORT}`,
        '--advertise-client-urls',
        clientUrl(node),
        '--listen-peer-urls',
        `http://0.0.0.0:${PEER_PORT}`,
        '--initial-advertise-peer-urls',
        peerUrl(node),
        '--initial-cluster',
        cluster.map((n) => `${n.id}=${peerUrl(n)}`).join(','),
        '--initial-cluster-state',
        'new',
        '--initial-cluster-token',
        'faultline',
        '--heartbeat-interval',
        String(o.heartbeatMs),
        '--election-timeout',
        String(o.electionMs),
        '--snapshot-count',
        String(o.snapshotCount),
        `--pre-vote=${o.preVote}`,
        '--logger',
        'zap',
        '--log-outputs',
        'stderr',
      ];
      return { cmd, env: {} };
    },
    clientUrl,
    async health(node, timeoutMs): Promise<NodeHealth | null> {
      const r = await probe.post<Status>(clientUrl(node), '/v3/maintenance/status', {}, timeoutMs);
      if (!r.ok || r.body.raftTerm === undefined) return null;
      const self = r.body.header?.member_id;
      if (self) names.set(self, node.id);
      const leader = r.body.leader;
      if (leader && leader !== '0' && !names.has(leader)) {
        const m = await probe.post<MemberListResponse>(clientUrl(node), '/v3/cluster/member/list', {}, timeoutMs);
        if (m.ok) for (const [id, name] of memberNames(m.body)) names.set(id, name);
      }
      return statusToHealth(node.id, r.body, names);
    },
    // the maintenance Hash of the member's backend (made for comparing members in tests; it leaves
    // out the consistent index), taken between two status readings of one raft applied index
    async stateDigest(node, timeoutMs): Promise<StateDigest | null> {
      const status = () => probe.post<Status>(clientUrl(node), '/v3/maintenance/status', {}, timeoutMs);
      const before = await status();
      const h = await probe.post<HashResponse>(clientUrl(node), '/v3/maintenance/hash', {}, timeoutMs);
      const after = await status();
      if (!before.ok || !h.ok || !after.ok || h.body.hash === undefined) return null;
      const applied = int64(after.body.raftAppliedIndex);
      if (int64(before.body.raftAppliedIndex) !== applied) return null; // still applying: read again
      return { index: applied, digest: `${h.body.header?.revision ?? '?'}:${h.body.hash}` };
    },
    client(requestTimeoutMs) {
      const client = new EtcdClient(requestTimeoutMs);
      return {
        workload: (w) => etcdWorkloadClient(client, clientUrl, w, { serializable: o.serializable, transferAttempts: o.transferAttempts }),
        close: () => client.close(),
      };
    },
  };
}
