import { describe, expect, it } from 'vitest';
import { diskFacts, formatDiskFacts } from '../../../src/controller/disk-facts.js';
import type { Op } from '../../../src/history/types.js';

const nemesis = (index: number, timeS: number, f: string, value: unknown): Op => ({ index, time: timeS * 1e9, type: 'info', process: 'nemesis', f, value });

describe('diskFacts', () => {
  it('reads each power cut and corruption back from the history, and formats them for the summary', () => {
    const ops: Op[] = [
      { index: 0, time: 1e9, type: 'invoke', process: 0, f: 'add', value: 1 },
      nemesis(1, 5.04, 'start-power-cut', {
        nodes: ['n2', 'n3', 'n1'],
        lost: {
          n2: { unsyncedBytes: 100, files: [{}], syncsInterrupted: 0, torn: null },
          n3: { unsyncedBytes: 0, files: [], syncsInterrupted: 1, interrupted: [{ path: '/wal.log', bytes: 50 }], torn: null, atSync: true },
          n1: { unsyncedBytes: 300, files: [{}, {}], syncsInterrupted: 1, interrupted: [{ path: '/wal.log', bytes: 7 }], torn: { kept: 3 }, atSync: true },
        },
      }),
      nemesis(2, 9, 'stop-power-cut', { restarted: ['n2', 'n3', 'n1'] }),
      nemesis(3, 12, 'start-corrupt', { node: 'n4', corruption: { kind: 'tail', file: 'wal.log' }, outcome: 'refused to start (exit 254)' }),
      nemesis(4, 13, 'start-corrupt', { node: 'n5', skipped: 'no non-empty file to damage' }),
    ];
    const d = diskFacts(ops, 1e9);
    expect(d).toEqual({
      powerCuts: [{ atS: 4, nodes: ['n2', 'n3', 'n1'], unsyncedBytes: 400, files: 3, syncsInterrupted: 2, interruptedBytes: 57, torn: 1, atSync: 2 }],
      corruptions: [{ atS: 11, node: 'n4', kind: 'tail', file: 'wal.log', outcome: 'refused to start (exit 254)' }],
    });
    expect(formatDiskFacts(d)).toEqual([
      'power cuts 1, 457 bytes not yet durable lost in all:',
      '             @4s n2 n3 n1: 400 B unsynced in 3 files, 57 B of 2 fsyncs cut short, 1 torn write; cut at an fsync on 2 of 3',
      'corrupt    @11s n4 wal.log (tail): refused to start (exit 254)',
    ]);
    expect(formatDiskFacts({ powerCuts: [], corruptions: [] })).toEqual([]);
  });
});
