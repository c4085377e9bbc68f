import type { HardState } from '../raft/types.js';
import type { ReplicaModes } from './options.js';

/**
 * What of Raft's hard state goes to disk. Shared by the replica and the simulation
 * harness, so the simulation runs the rule the node runs. With the planted bug
 * persist-vote=none only the commit index is written: the term and the vote live in
 * memory, so a node that crashes comes back at term 0 having voted for nobody, and
 * may vote again in a term it already voted in (two leaders in one term).
 */
export function hardStateToPersist(hs: HardState | undefined, modes: Pick<ReplicaModes, 'persistVote'>): HardState | undefined {
  if (hs === undefined || modes.persistVote === 'fsync') return hs;
  return { term: 0, vote: null, commit: hs.commit };
}
