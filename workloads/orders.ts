import { checkOrders } from '../checkers/orders.js';
import type { OrderRecord, Side } from '../checkers/orders-types.js';
import { fn, type GenContext, type Generator, type GenOp, mix, repeat, untilOk } from './generator.js';
import type { Workload } from './workload.js';

export interface OrdersOptions {
  symbol: string;
  marketMakers: number;
  momentumTraders: number;
  noiseTraders: number;
  /** each agent's opening cash and shares */
  cash: number;
  shares: number;
  /** chance an agent cancels one of its earlier orders instead of submitting */
  cancelShare: number;
}

export const ORDERS_DEFAULTS: OrdersOptions = {
  symbol: 'X',
  marketMakers: 2,
  momentumTraders: 2,
  noiseTraders: 2,
  cash: 1_000_000,
  shares: 10_000,
  cancelShare: 0.15,
};

/** a submit's value in the history: the order as the exchange records it, before any fill */
export type SubmitValue = Pick<OrderRecord, 'orderId' | 'account' | 'symbol' | 'side' | 'price' | 'qty'>;

/** The market all agents watch: a fair price on a random walk and a trend that flips now and then. */
interface Market {
  fair: number;
  trend: 1 | -1;
  nextId: number;
}

type Quote = (m: Market, ctx: GenContext) => { side: Side; price: number };

const quotes: Record<'mm' | 'mo' | 'nz', Quote> = {
  // market makers quote both sides just off the fair price (alternating by draw)
  mm: (m, ctx) => {
    const side: Side = ctx.rand() < 0.5 ? 'buy' : 'sell';
    const off = 1 + Math.floor(ctx.rand() * 2);
    return { side, price: side === 'buy' ? m.fair - off : m.fair + off };
  },
  // momentum traders chase the trend and cross the spread
  mo: (m, ctx) => ({ side: m.trend > 0 ? 'buy' : 'sell', price: m.fair + m.trend * (1 + Math.floor(ctx.rand() * 3)) }),
  // noise traders trade either side near the fair price
  nz: (m, ctx) => ({ side: ctx.rand() < 0.5 ? 'buy' : 'sell', price: m.fair - 3 + Math.floor(ctx.rand() * 7) }),
};

/** One trading agent: submits limit orders in its style and cancels some of its own. */
function agent(account: string, quote: Quote, m: Market, o: OrdersOptions): Generator {
  const mine: string[] = [];
  return fn((ctx): GenOp => {
    if (mine.length > 0 && ctx.rand() < o.cancelShare) {
      const orderId = mine.splice(Math.floor(ctx.rand() * mine.length), 1)[0];
      return { f: 'cancel', value: { orderId } };
    }
    m.fair = Math.max(60, Math.min(140, m.fair + (ctx.rand() < 0.5 ? -1 : 1)));
    if (ctx.rand() < 0.05) m.trend = m.trend > 0 ? -1 : 1;
    const { side, price } = quote(m, ctx);
    const orderId = `o${m.nextId++}`;
    mine.push(orderId);
    if (mine.length > 50) mine.shift(); // old orders have mostly filled: cancel recent ones
    const value: SubmitValue = { orderId, account, symbol: o.symbol, side, price, qty: 1 + Math.floor(ctx.rand() * 20) };
    return { f: 'submit', value };
  });
}

export function agentNames(o: OrdersOptions): string[] {
  const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
  return [...names('mm', o.marketMakers), ...names('mo', o.momentumTraders), ...names('nz', o.noiseTraders)];
}

/** All agents on one symbol; market makers trade most often, as they quote both sides. */
export function ordersGenerator(o: OrdersOptions = ORDERS_DEFAULTS): Generator {
  const m: Market = { fair: 100, trend: 1, nextId: 1 };
  const names = agentNames(o);
  const gens = names.map((n) => agent(n, quotes[n.slice(0, 2) as keyof typeof quotes], m, o));
  return mix(
    gens,
    names.map((n) => (n.startsWith('mm') ? 3 : n.startsWith('nz') ? 2 : 1)),
  );
}

/**
 * Ops: `submit SubmitValue` (a limit order; matched by price-time priority);
 * `cancel {orderId}`; `state null` → ok the exchange's whole state
 * (checkers/orders-types.ts). Only our exchange node implements them.
 *
 * Trading agents as in the original system (market makers, momentum and noise
 * traders) submitting and cancelling limit orders; checked against the final
 * exchange state (checkers/orders.ts).
 */
export function ordersWorkload(opts: Partial<OrdersOptions> = {}): Workload {
  const o = { ...ORDERS_DEFAULTS, ...opts };
  const names = agentNames(o);
  return {
    name: 'orders',
    accounts: names.map((account) => ({ account, cash: o.cash, positions: { [o.symbol]: o.shares } })),
    generator: () => ordersGenerator(o),
    final: () => untilOk(repeat({ f: 'state', value: null })),
    checkers: { orders: (ops) => checkOrders(ops, { cash: o.cash * names.length, shares: { [o.symbol]: o.shares * names.length } }) },
  };
}
