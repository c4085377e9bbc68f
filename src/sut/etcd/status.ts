import type { NodeHealth } from '../types.js';
import type { MemberListResponse, Status } from './api.js';
import { int64 } from './codec.js';

/**
 * A member's /v3/maintenance/status as the harness's NodeHealth. etcd names members
 * by 64-bit ids (decimal strings here); `names` maps them to our node ids. The status
 * says which member the node believes leads (absent or "0": none), so a node is the
 * leader when that is its own id. It does not tell a candidate from a follower that
 * has lost its leader: both are `unknown`. `raftIndex` is the member's commit index.
 */
export function statusToHealth(nodeId: string, s: Status, names: ReadonlyMap<string, string>): NodeHealth {
  const self = s.header?.member_id;
  const leaderId = s.leader && s.leader !== '0' ? s.leader : null;
  const role: NodeHealth['role'] = s.isLearner ? 'learner' : leaderId === null ? 'unknown' : leaderId === self ? 'leader' : 'follower';
  const leader = leaderId === null ? null : leaderId === self ? nodeId : (names.get(leaderId) ?? null);
  return { id: nodeId, role, term: int64(s.raftTerm), leader, commitIndex: int64(s.raftIndex), appliedIndex: int64(s.raftAppliedIndex) };
}

/** member id → member name (we name each member by its node id, `--name n1`) */
export function memberNames(list: MemberListResponse): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of list.members ?? []) if (m.ID && m.name) out.set(m.ID, m.name);
  return out;
}
