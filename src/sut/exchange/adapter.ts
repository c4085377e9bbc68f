import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { distDir, FAKETIME_LIB } from '../../../docker/image.js';
import { binaryWithLibraries, tree } from '../../../docker/rootfs.js';
import { EnvironmentError } from '../../util/errors.js';
import { getJson } from '../http.js';
import type { NodeHealth, StateDigest, SutNode, SystemUnderTest } from '../types.js';
import type { Health } from './api.js';
import { NodeClient } from './client.js';
import { validateNodeOptions } from './options.js';
import { exchangeWorkloadClient } from './workloads.js';

const PEER_PORT = 9000;
const CLIENT_PORT = 8000;
/** the node's part of dist/ (it imports nothing from node_modules or the harness) */
const SYSTEM_DIR = 'systems/exchange';

const url = (n: SutNode): string => `http://${n.ip}:${CLIENT_PORT}`;

/**
 * faultline's own Raft exchange node (systems/exchange/): one Node.js process per
 * container, its options passed as flags (`--node-opt read-mode=local` → `--read-mode
 * local`), its health and leader from GET /health, every fault family applicable
 * (libfaketime moves Node's Date.now()).
 */
export function exchangeSut(options: Record<string, string>): SystemUnderTest {
  validateNodeOptions(options);
  return {
    name: 'exchange',
    options,
    workloads: ['register', 'set', 'bank', 'orders', 'append'],
    unsupportedFaults: {},
    fakeClock: true,
    dataDir: '/data',
    logFiles: [],
    image() {
      const dist = distDir();
      const app = path.join(dist, SYSTEM_DIR);
      if (!existsSync(app)) throw new EnvironmentError('E_NOT_BUILT', `${app} is missing: run npm run build first`);
      if (!existsSync(FAKETIME_LIB))
        throw new EnvironmentError('E_NO_FAKETIME', `${FAKETIME_LIB} is missing: install Debian's libfaketime (bash docker/host-setup.sh)`);
      return {
        repo: 'faultline-node',
        files: [
          ...binaryWithLibraries(process.execPath, '/usr/bin/node'),
          [FAKETIME_LIB, realpathSync(FAKETIME_LIB)],
          ...tree(app, `/app/dist/${SYSTEM_DIR}`, (name) => name.endsWith('.js')),
        ],
        // ESM: the dist tree needs "type": "module" above it
        extra: [['/app/package.json', '{"type":"module"}\n']],
        dirs: ['data', 'clock'],
        entrypoint: ['/usr/bin/node', `/app/dist/${SYSTEM_DIR}/node/main.js`],
      };
    },
    launch(node, cluster) {
      const members = cluster.map((n) => `${n.id}@${n.ip}:${PEER_PORT}:${CLIENT_PORT}`).join(',');
      const extra = Object.entries(options).flatMap(([k, v]) => [`--${k}`, v]);
      return { cmd: ['--id', node.id, '--cluster', members, '--data-dir', '/data', '--bind', '0.0.0.0', ...extra], env: {} };
    },
    clientUrl: url,
    // /health reads role and term from the Raft node in one synchronous step
    leaderPerTerm: true,
    async health(node, timeoutMs) {
      const h = await getJson<Health>(`${url(node)}/health`, timeoutMs);
      if (!h || typeof h.term !== 'number') return null;
      const out: NodeHealth = { id: h.id, role: h.role, term: h.term, leader: h.leader, commitIndex: h.commitIndex, appliedIndex: h.appliedIndex, now: h.now };
      return out;
    },
    async stateDigest(node, timeoutMs) {
      const d = await getJson<{ appliedIndex?: unknown; digest?: unknown }>(`${url(node)}/v1/digest`, timeoutMs);
      return typeof d?.appliedIndex === 'number' && typeof d.digest === 'string' ? { index: d.appliedIndex, digest: d.digest } : null;
    },
    async appliedCheckpoints(node, timeoutMs) {
      const d = await getJson<{ checkpoints?: unknown }>(`${url(node)}/v1/checkpoints`, timeoutMs);
      if (!Array.isArray(d?.checkpoints)) return null;
      const out: StateDigest[] = [];
      for (const c of d.checkpoints) if (Array.isArray(c) && typeof c[0] === 'number' && typeof c[1] === 'string') out.push({ index: c[0], digest: c[1] });
      return out;
    },
    client(requestTimeoutMs) {
      const client = new NodeClient(requestTimeoutMs);
      return { workload: (w) => exchangeWorkloadClient(client, url, w), close: () => client.close() };
    },
  };
}
