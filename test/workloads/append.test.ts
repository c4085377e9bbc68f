import { describe, expect, it } from 'vitest';
import { checkAppend } from '../../checkers/append.js';
import { mulberry32 } from '../../src/controller/random.js';
import type { Op } from '../../src/history/types.js';
import type { NodeClient, Outcome } from '../../src/sut/exchange/client.js';
import { exchangeWorkloadClient } from '../../src/sut/exchange/workloads.js';
import { ExchangeStateMachine } from '../../systems/exchange/machine/machine.js';
import { APPEND_DEFAULTS, appendGenerator, appendWorkload } from '../../workloads/append.js';
import { take } from '../../workloads/generator.js';
import { makeWorkload } from '../../workloads/index.js';

describe('append generator', () => {
  const ops = take(appendGenerator(), 3000, mulberry32(5));

  it('appends unique integers and reads whole lists, about half and half', () => {
    const appends = ops.filter((o) => o.f === 'append').map((o) => (o.value as [string, number])[1]);
    expect(new Set(appends).size).toBe(appends.length);
    expect(appends.length).toBeGreaterThan(1200);
    expect(appends.length).toBeLessThan(1800);
    for (const o of ops) if (o.f === 'read') expect((o.value as [string, unknown])[1]).toBeNull();
  });

  it('moves on to fresh keys after opsPerKey ops per key', () => {
    const keys = new Set(ops.map((op) => (op.value as [string])[0]));
    expect(keys.size).toBe(Math.ceil(3000 / (APPEND_DEFAULTS.opsPerKey * APPEND_DEFAULTS.keys)) * APPEND_DEFAULTS.keys);
  });

  it('sizes its keys to the concurrency like register, and checks with the append checker', () => {
    const w = makeWorkload('append', 30);
    expect(w.name).toBe('append');
    expect(Object.keys(w.checkers)).toEqual(['append']);
    expect(new Set(take(w.generator(), 100, mulberry32(1)).map((op) => (op.value as [string])[0])).size).toBe(6);
  });
});

/**
 * The exchange adapter's append client against the node's real state machine (a
 * NodeClient stand-in that applies commands to it), driven by the workload's own
 * generator and final reads: the history checks valid; the same run with some
 * commands applied twice (a node without sessions, retrying) checks invalid.
 */
async function runAgainstMachine(applyTwice: (seq: number) => boolean): Promise<Op[]> {
  const m = new ExchangeStateMachine();
  let index = 0;
  const node = {
    async command(_url: string, _client: string, seq: number, c: never): Promise<Outcome> {
      const out = m.apply(++index, c);
      if (applyTwice(seq)) m.apply(++index, c);
      return out.ok ? { type: 'ok', body: { ok: true, result: out.result, node: 'n1' } } : { type: 'fail', error: out.code };
    },
    async query(_url: string, q: never): Promise<Outcome> {
      return { type: 'ok', body: { ok: true, result: m.query(q), node: 'n1' } };
    },
  } as unknown as NodeClient;
  const w = appendWorkload();
  const client = exchangeWorkloadClient(node, () => 'http://n1', w);
  const history: Op[] = [];
  const rand = mulberry32(11);
  let seq = 0;
  const perform = async (op: { f: string; value: unknown }) => {
    const p = seq % 4;
    history.push({ index: history.length, time: history.length, type: 'invoke', process: p, f: op.f, value: op.value });
    const c = await client.invoke({ node: { id: 'n1', ip: '10.0.0.1' }, process: p, seq: ++seq }, op);
    history.push({ index: history.length, time: history.length, type: c.type, process: p, f: op.f, value: c.type === 'ok' ? c.value : op.value });
  };
  for (const op of take(w.generator(), 1500, rand)) await perform(op);
  const final = w.final?.();
  for (
    let op = final?.next({ time: 0, thread: 0, process: 0, rand });
    op && typeof op === 'object';
    op = final?.next({ time: 0, thread: 0, process: 0, rand })
  ) {
    await perform(op as { f: string; value: unknown });
    final?.update?.({ thread: 0, type: 'ok', f: 'read' });
  }
  return history;
}

describe('append workload on the exchange state machine', () => {
  it('is valid when every command is applied once, and reads every key at the end', async () => {
    const h = await runAgainstMachine(() => false);
    const r = checkAppend(h);
    expect(r.valid).toBe(true);
    expect(r.acknowledged).toBeGreaterThan(500);
    expect(r.keys).toBe(Math.ceil(1500 / (APPEND_DEFAULTS.opsPerKey * APPEND_DEFAULTS.keys)) * APPEND_DEFAULTS.keys);
  });

  it('finds commands applied twice even when no load read falls between the copies: the final reads see them', async () => {
    let twice = 0; // the first two commands from op 1400 on
    const h = await runAgainstMachine((seq) => seq >= 1400 && twice++ < 2);
    const r = checkAppend(h);
    expect(r.valid).toBe(false);
    expect(r.duplicated).toBeGreaterThan(0);
    expect(r.anomalies.duplicated.length).toBeGreaterThan(0);
  });
});
