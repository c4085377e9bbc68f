import { OrderBook } from './book.js';
import type { AccountRecord, Command, ExchangeState, Fill, OrderRecord } from './commands.js';
import type { ApplyOutcome } from './state-machine.js';

type Reject = Extract<ApplyOutcome, { ok: false }>;
const reject = (code: Reject['code'], message: string): Reject => ({ ok: false, code, message });
const positiveInt = (n: unknown): boolean => Number.isInteger(n) && (n as number) > 0;

/**
 * Accounts and limit order books. An order reserves what it may spend (a buy:
 * limit × quantity in cash; a sell: the shares); matching is by price-time
 * priority, at the resting order's price; a trade moves cash and shares between
 * the two accounts and releases their reservations, so totals are conserved.
 */
export class Exchange {
  private accounts = new Map<string, AccountRecord>();
  private orders = new Map<string, OrderRecord>();
  private trades: Fill[] = [];
  private books = new Map<string, OrderBook>();

  cash(): Record<string, number> {
    return Object.fromEntries([...this.accounts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, a]) => [k, a.cash]));
  }

  apply(index: number, c: Command): ApplyOutcome {
    switch (c.type) {
      case 'account.create': {
        if (this.accounts.has(c.account)) return reject('account-exists', `account ${c.account} exists`);
        if (!Number.isInteger(c.cash) || c.cash < 0) return reject('invalid-command', 'cash must be a non-negative integer');
        const positions: Record<string, number> = {};
        for (const [sym, q] of Object.entries(c.positions ?? {})) {
          if (!Number.isInteger(q) || q < 0) return reject('invalid-command', `position ${sym} must be a non-negative integer`);
          positions[sym] = q;
        }
        this.accounts.set(c.account, { cash: c.cash, reservedCash: 0, positions, reservedPositions: {} });
        return { ok: true, result: { type: 'account.create' } };
      }
      case 'bank.transfer': {
        const from = this.accounts.get(c.from);
        const to = this.accounts.get(c.to);
        if (!from || !to) return reject('unknown-account', `unknown account ${from ? c.to : c.from}`);
        if (!positiveInt(c.amount)) return reject('invalid-command', 'amount must be a positive integer');
        if (from.cash - from.reservedCash < c.amount) return reject('insufficient-funds', `${c.from} has ${from.cash - from.reservedCash} available`);
        from.cash -= c.amount;
        to.cash += c.amount;
        return { ok: true, result: { type: 'bank.transfer' } };
      }
      case 'order.submit':
        return this.submit(index, c);
      case 'order.cancel': {
        const o = this.orders.get(c.orderId);
        if (!o) return reject('unknown-order', `no order ${c.orderId}`);
        if (o.status !== 'open') return reject('order-closed', `order ${c.orderId} is ${o.status}`);
        this.release(o, o.qty - o.filled);
        o.status = 'cancelled';
        o.cancelledAt = index;
        this.book(o.symbol).remove(o.side, o.price, o.orderId);
        return { ok: true, result: { type: 'order.cancel', order: { ...o } } };
      }
      default:
        return reject('invalid-command', `${(c as Command).type} is not an exchange command`);
    }
  }

  private submit(index: number, c: Extract<Command, { type: 'order.submit' }>): ApplyOutcome {
    if (this.orders.has(c.orderId)) return reject('duplicate-order', `order ${c.orderId} exists`);
    if (!positiveInt(c.price) || !positiveInt(c.qty) || (c.side !== 'buy' && c.side !== 'sell') || typeof c.symbol !== 'string') {
      return reject('invalid-command', 'an order needs side buy|sell, a symbol and positive integer price and qty');
    }
    const acct = this.accounts.get(c.account);
    if (!acct) return reject('unknown-account', `unknown account ${c.account}`);
    if (c.side === 'buy' && acct.cash - acct.reservedCash < c.price * c.qty)
      return reject('insufficient-funds', `${c.account} cannot reserve ${c.price * c.qty}`);
    const held = (acct.positions[c.symbol] ?? 0) - (acct.reservedPositions[c.symbol] ?? 0);
    if (c.side === 'sell' && held < c.qty) return reject('insufficient-funds', `${c.account} holds ${held} ${c.symbol} available`);
    const order: OrderRecord = {
      orderId: c.orderId,
      account: c.account,
      symbol: c.symbol,
      side: c.side,
      price: c.price,
      qty: c.qty,
      filled: 0,
      status: 'open',
      logIndex: index,
    };
    this.orders.set(order.orderId, order);
    if (c.side === 'buy') acct.reservedCash += c.price * c.qty;
    else acct.reservedPositions[c.symbol] = (acct.reservedPositions[c.symbol] ?? 0) + c.qty;
    const fills = this.match(index, order);
    if (order.filled < order.qty) this.book(order.symbol).add(order.side, order.price, order.orderId);
    else order.status = 'filled';
    return { ok: true, result: { type: 'order.submit', order: { ...order }, fills } };
  }

  private match(index: number, taker: OrderRecord): Fill[] {
    const book = this.book(taker.symbol);
    const opposite = taker.side === 'buy' ? 'sell' : 'buy';
    const fills: Fill[] = [];
    while (taker.filled < taker.qty) {
      const best = book.best(opposite);
      if (!best || (taker.side === 'buy' ? best.price > taker.price : best.price < taker.price)) break;
      const maker = this.orders.get(best.orderId) as OrderRecord;
      const qty = Math.min(taker.qty - taker.filled, maker.qty - maker.filled);
      const [buy, sell] = taker.side === 'buy' ? [taker, maker] : [maker, taker];
      this.settle(buy, sell, best.price, qty);
      taker.filled += qty;
      maker.filled += qty;
      if (maker.filled === maker.qty) {
        maker.status = 'filled';
        book.popBest(opposite);
      }
      const fill: Fill = {
        tradeId: this.trades.length + 1,
        symbol: taker.symbol,
        price: best.price,
        qty,
        buyOrderId: buy.orderId,
        sellOrderId: sell.orderId,
        buyer: buy.account,
        seller: sell.account,
        maker: maker.orderId,
        logIndex: index,
      };
      this.trades.push(fill);
      fills.push(fill);
    }
    return fills;
  }

  /** moves cash and shares for `qty` at `price`, releasing what the two orders reserved for it */
  private settle(buy: OrderRecord, sell: OrderRecord, price: number, qty: number): void {
    const buyer = this.accounts.get(buy.account) as AccountRecord;
    const seller = this.accounts.get(sell.account) as AccountRecord;
    buyer.reservedCash -= buy.price * qty;
    buyer.cash -= price * qty;
    buyer.positions[buy.symbol] = (buyer.positions[buy.symbol] ?? 0) + qty;
    seller.reservedPositions[sell.symbol] -= qty;
    seller.positions[sell.symbol] -= qty;
    seller.cash += price * qty;
  }

  private release(o: OrderRecord, remaining: number): void {
    const acct = this.accounts.get(o.account) as AccountRecord;
    if (o.side === 'buy') acct.reservedCash -= o.price * remaining;
    else acct.reservedPositions[o.symbol] -= remaining;
  }

  private book(symbol: string): OrderBook {
    let b = this.books.get(symbol);
    if (!b) {
      b = new OrderBook();
      this.books.set(symbol, b);
    }
    return b;
  }

  state(): ExchangeState {
    const sorted = <T>(m: Map<string, T>): Record<string, T> =>
      Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, structuredClone(v)]));
    return { accounts: sorted(this.accounts), orders: sorted(this.orders), trades: this.trades.map((t) => ({ ...t })) };
  }

  /** rebuilds from a state() copy: books from the open orders, in time priority */
  restore(s: ExchangeState): void {
    this.accounts = new Map(Object.entries(s.accounts));
    this.orders = new Map(
      Object.values(s.orders)
        .sort((a, b) => a.logIndex - b.logIndex)
        .map((o) => [o.orderId, o]),
    );
    this.trades = s.trades;
    this.books = new Map();
    for (const o of this.orders.values()) if (o.status === 'open') this.book(o.symbol).add(o.side, o.price, o.orderId);
  }
}
