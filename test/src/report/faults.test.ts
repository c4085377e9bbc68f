import { describe, expect, it } from 'vitest';
import type { Op } from '../../../src/history/types.js';
import { faultWindows, splitNemesisF } from '../../../src/report/faults.js';

let index = 0;
const ev = (time: number, f: string, type: Op['type'] = 'info', process: Op['process'] = 'nemesis', value: unknown = null): Op => ({
  index: index++,
  time,
  type,
  process,
  f,
  value,
});

describe('faultWindows', () => {
  it('pairs each start-X with the next stop-X, per family, and runs an unclosed start to the end', () => {
    const ops = [
      ev(1, 'start-partition', 'info', 'nemesis', { n1: ['n2'] }),
      ev(2, 'start-kill'),
      ev(3, 'read', 'invoke', 0),
      ev(4, 'stop-partition'),
      ev(5, 'start-partition'),
      ev(6, 'stop-kill'),
      ev(9, 'read', 'ok', 0),
    ];
    expect(faultWindows(ops)).toEqual([
      { f: 'partition', start: 1, stop: 4, closed: true, value: { n1: ['n2'] } },
      { f: 'kill', start: 2, stop: 6, closed: true, value: null },
      { f: 'partition', start: 5, stop: 9, closed: false, value: null },
    ]);
  });

  it('ends every start of the family in force at its stop (cascading kills undone by one stop-kill)', () => {
    const ops = [
      ev(1, 'start-kill', 'info', 'nemesis', { nodes: ['n1'] }),
      ev(2, 'start-kill', 'info', 'nemesis', { nodes: ['n2'] }),
      ev(3, 'stop-kill'),
      ev(4, 'start-kill'),
      ev(8, 'read', 'ok', 0),
    ];
    expect(faultWindows(ops)).toEqual([
      { f: 'kill', start: 1, stop: 3, closed: true, value: { nodes: ['n1'] } },
      { f: 'kill', start: 2, stop: 3, closed: true, value: { nodes: ['n2'] } },
      { f: 'kill', start: 4, stop: 8, closed: false, value: null },
    ]);
  });

  it('ignores a stop with no start, client ops named like faults and unrelated nemesis events', () => {
    const ops = [ev(1, 'stop-pause'), ev(2, 'start-pause', 'invoke', 3), ev(3, 'bump-clock'), ev(4, 'start-pause'), ev(5, 'stop-pause')];
    expect(faultWindows(ops)).toEqual([{ f: 'pause', start: 4, stop: 5, closed: true, value: null }]);
  });

  it('uses the nemesis completions when the nemesis logs invoke + info pairs, the invokes when it logs nothing else', () => {
    const pairs = [ev(1, 'start-clock', 'invoke'), ev(2, 'start-clock'), ev(7, 'stop-clock', 'invoke'), ev(8, 'stop-clock')];
    expect(faultWindows(pairs).map((w) => [w.start, w.stop])).toEqual([[2, 8]]);
    const invokesOnly = [ev(1, 'start', 'invoke'), ev(7, 'stop', 'invoke')];
    expect(faultWindows(invokesOnly)).toEqual([{ f: 'nemesis', start: 1, stop: 7, closed: true, value: null }]);
  });

  it('splits nemesis fs', () => {
    expect(splitNemesisF('start-partition')).toEqual({ phase: 'start', family: 'partition' });
    expect(splitNemesisF('stop_kill')).toEqual({ phase: 'stop', family: 'kill' });
    expect(splitNemesisF('stop')).toEqual({ phase: 'stop', family: 'nemesis' });
    expect(splitNemesisF('restart')).toBeNull();
  });
});
