import { describe, expect, it } from 'vitest';
import { memberNames, statusToHealth } from '../../../../src/sut/etcd/status.js';

const ids = { n1: '3319814642761637952', n2: '2879318766912851298', n3: '10501334649042878790' };
const names = new Map(Object.entries(ids).map(([n, id]) => [id, n]));
// a status as etcd 3.4.23 answers it (int64s as strings, zero fields left out)
const status = (self: string, leader?: string, extra: object = {}) => ({
  header: { cluster_id: '324952591200643719', member_id: self, revision: '9', raft_term: '3' },
  version: '3.4.23',
  leader,
  raftIndex: '120',
  raftTerm: '3',
  raftAppliedIndex: '118',
  ...extra,
});

describe('etcd status → node health', () => {
  it('a member whose leader is itself leads; term, commit and applied index from raftTerm, raftIndex, raftAppliedIndex', () => {
    expect(statusToHealth('n1', status(ids.n1, ids.n1), names)).toEqual({
      id: 'n1',
      role: 'leader',
      term: 3,
      leader: 'n1',
      commitIndex: 120,
      appliedIndex: 118,
    });
  });

  it('a member that names another leader follows it, by our node id', () => {
    expect(statusToHealth('n2', status(ids.n2, ids.n1), names)).toMatchObject({ role: 'follower', leader: 'n1' });
  });

  it('no leader (absent, or 0) is role unknown: the status does not tell a candidate from a follower that lost its leader', () => {
    expect(statusToHealth('n3', status(ids.n3), names)).toMatchObject({ role: 'unknown', leader: null });
    expect(statusToHealth('n3', status(ids.n3, '0'), names)).toMatchObject({ role: 'unknown', leader: null });
  });

  it('a leader id not yet mapped to a node is a follower of an unnamed leader; learners are learners', () => {
    expect(statusToHealth('n2', status(ids.n2, '77'), names)).toMatchObject({ role: 'follower', leader: null });
    expect(statusToHealth('n2', status(ids.n2, ids.n1, { isLearner: true }), names).role).toBe('learner');
  });

  it('zero fields the gateway left out read as 0', () => {
    expect(statusToHealth('n1', { header: { member_id: ids.n1 }, leader: ids.n1 }, names)).toMatchObject({ term: 0, commitIndex: 0, appliedIndex: 0 });
  });

  it('the member list names members by id', () => {
    const list = { members: [{ ID: ids.n1, name: 'n1', peerURLs: ['http://172.31.250.11:2380'] }, { ID: ids.n2, name: 'n2' }, { name: 'unstarted' }] };
    expect([...memberNames(list)]).toEqual([
      [ids.n1, 'n1'],
      [ids.n2, 'n2'],
    ]);
  });
});
