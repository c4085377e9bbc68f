import { type CutOptions, type CutReport, type Lazyfs, type LazyfsOptions, mount } from '../../nemesis/lazyfs.js';
import { command, LocalCluster, type LocalNode, query, sleep } from '../../systems/exchange/local-cluster.js';

/**
 * Real node processes on faultline-lazyfs (one layer mounted over each node's data
 * directory, before the nodes start): loads that follow the leader, and Jepsen's
 * "power-cut a minority, then the leader, then restart them".
 */
export interface CutCluster {
  c: LocalCluster;
  layers: Map<string, Lazyfs>;
}

export async function startOnLazyfs(size: number, extra: string[] = [], o: LazyfsOptions = {}): Promise<CutCluster> {
  const layers = new Map<string, Lazyfs>();
  const c = await LocalCluster.start(size, extra, {
    mountDataDir: async (dir, id) => {
      const fs = await mount(dir, dir, o); // over itself: the durable files stay where they are
      layers.set(id, fs);
      return { dispose: () => fs.unmount() };
    },
  });
  return { c, layers };
}

/** A power cut of one node: its unsynced writes are dropped and its I/O fails from then on, it is killed (-9), the power comes back. Restart it with spawn(). */
export async function powerCut({ c, layers }: CutCluster, n: LocalNode, o: CutOptions = {}): Promise<CutReport> {
  const fs = layers.get(n.id) as Lazyfs;
  const report = await fs.cut(o);
  await c.kill(n);
  await fs.powerOn();
  return report;
}

/** the node a not-leader answer points to, else the next one */
function redirect(c: LocalCluster, from: LocalNode, body: { error?: { leader?: { id?: string } } } | undefined): LocalNode {
  const id = body?.error?.leader?.id;
  const to = id ? c.nodes.find((n) => n.id === id) : undefined;
  return to ?? nextNode(c, from);
}

/** the node after `n`, round the cluster: where a client tries next when `n` is down or slow */
const nextNode = (c: LocalCluster, n: LocalNode): LocalNode => c.nodes[(c.nodes.indexOf(n) + 1) % c.nodes.length];

export interface Load {
  stop(): Promise<void>;
}

/** `workers` loops of `work` side by side, until stop() (which waits for each to finish its request) */
function workersLoad(workers: number, work: (w: number, stopped: () => boolean) => Promise<void>): Load {
  let stopped = false;
  const all = Promise.all(Array.from({ length: workers }, (_, w) => work(w, () => stopped)));
  return {
    stop: async () => {
      stopped = true;
      await all;
    },
  };
}

/** client ids are never reused: a session's sequence numbers only go up */
let loads = 0;

/** `workers` clients adding unique elements; `acked` gets every element whose add was acknowledged */
export function setLoad(c: LocalCluster, acked: Set<number>, workers = 12): Load {
  const id = ++loads;
  let next = 1_000_000 * id; // elements unique across loads too
  return workersLoad(workers, async (w, stopped) => {
    let node = c.nodes[w % c.nodes.length];
    for (let seq = 1; !stopped(); seq++) {
      const v = next++;
      try {
        const r = await command(node, `adder-${id}-${w}`, seq, { type: 'set.add', element: v }, 1000);
        if (r.status === 200) acked.add(v);
        else if (r.status === 421) node = redirect(c, node, r.body);
        else await sleep(20);
      } catch {
        node = nextNode(c, node); // down or timed out: the add's outcome is unknown
        await sleep(20);
      }
    }
  });
}

export const BANK_ACCOUNTS = ['a0', 'a1', 'a2', 'a3', 'a4'];
export const BANK_TOTAL = 500;

/** Creates five accounts of 100 (once per cluster). */
export async function createBankAccounts(c: LocalCluster): Promise<void> {
  let node = await c.leader();
  for (const [i, account] of BANK_ACCOUNTS.entries()) {
    for (let attempt = 0; ; attempt++) {
      const r = await command(node, 'bank-setup', i + 1, { type: 'account.create', account, cash: 100 }, 2000).catch((e: Error) => ({
        status: 0,
        body: e.message,
      }));
      if (r.status === 200 || r.body?.error?.code === 'account-exists') break;
      if (attempt > 100) throw new Error(`cannot create ${account}: ${JSON.stringify(r)}`);
      await sleep(50);
      node = await c.leader();
    }
  }
}

/** Transfers between the accounts and reads of all balances; `totals` gets every read's sum. */
export function bankLoad(c: LocalCluster, totals: number[], workers = 8): Load {
  const id = ++loads;
  return workersLoad(workers, async (w, stopped) => {
    let at = c.nodes[w % c.nodes.length];
    for (let seq = 1; !stopped(); seq++) {
      try {
        if (seq % 3 === 0) {
          const r = await query(at, { type: 'bank.read' }, 1000);
          if (r.status === 200) totals.push(Object.values(r.body.result.balances as Record<string, number>).reduce((a, b) => a + b, 0));
          else if (r.status === 421) at = redirect(c, at, r.body);
        } else {
          const from = BANK_ACCOUNTS[(w + seq) % 5];
          const to = BANK_ACCOUNTS[(w + seq + 1 + (seq % 4)) % 5];
          const r = await command(at, `mover-${id}-${w}`, seq, { type: 'bank.transfer', from, to, amount: 1 + (seq % 5) }, 1000);
          if (r.status === 421) at = redirect(c, at, r.body);
        }
      } catch {
        at = nextNode(c, at);
        await sleep(20);
      }
    }
  });
}

/**
 * Power-cuts a minority of followers (they stay down), lets the rest run for
 * `gapMs`, power-cuts whoever leads then, and restarts them all. With
 * `holdSurvivors`, the nodes never cut are paused (SIGSTOP) while the cut ones
 * restart, until one of those leads or 5 s pass: a slow survivor, the schedule under
 * which what the cut nodes forgot decides the next term (without it, the survivor
 * usually wins the election and the loss stays hidden).
 */
export async function cutMinorityThenLeader(
  cc: CutCluster,
  o: CutOptions & { gapMs?: number; holdSurvivors?: boolean } = {},
): Promise<{ node: string; report: CutReport }[]> {
  const { c } = cc;
  const out: { node: string; report: CutReport }[] = [];
  const leader = await c.leader();
  const minority = c.nodes.filter((n) => n !== leader).slice(0, Math.floor(c.nodes.length / 2) - (c.nodes.length % 2 === 0 ? 1 : 0));
  for (const r of await Promise.all(minority.map(async (n) => ({ node: n.id, report: await powerCut(cc, n, o) })))) out.push(r);
  await sleep(o.gapMs ?? 600);
  const now = await c.leader(5000).catch(() => leader);
  out.push({ node: now.id, report: await powerCut(cc, now, o) });
  const survivors = o.holdSurvivors ? c.nodes.filter((n) => n.proc) : [];
  for (const n of survivors) n.proc?.kill('SIGSTOP');
  try {
    const cut = c.nodes.filter((n) => !n.proc);
    for (const n of cut) c.spawn(n);
    if (survivors.length > 0) await c.leader(5000).catch(() => undefined); // only the cut nodes answer
  } finally {
    for (const n of survivors) n.proc?.kill('SIGCONT');
  }
  return out;
}

/** every node up and a leader serving linearizable reads: the set read through it */
export async function settleAndReadSet(c: LocalCluster, timeoutMs = 30_000): Promise<Set<number>> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      const leader = await c.leader(5000);
      const r = await query(leader, { type: 'set.read' }, 3000);
      if (r.status === 200) return new Set<number>(r.body.result.elements);
    } catch {
      // no leader yet
    }
    await sleep(100);
  }
  throw new Error(`no leader served a read within ${timeoutMs} ms:\n${c.nodes.map((n) => `${n.id}: ${n.output.join('').slice(-400)}`).join('\n')}`);
}
