/**
 * The replicated state machine's commands (writes, go through the Raft log) and
 * queries (reads). This is the contract between the node, its clients and the
 * workloads: extend it, don't rename.
 *
 * Prices are integer ticks and quantities integer units, so matching is exact and
 * deterministic on every node.
 */
export type Side = 'buy' | 'sell';

export type Command =
  // key-value register space
  | { type: 'kv.write'; key: string; value: unknown }
  | { type: 'kv.cas'; key: string; from: unknown; to: unknown }
  // grow-only set
  | { type: 'set.add'; element: unknown }
  // per-key append-only lists (Jepsen's append workload): a list apart from the
  // register of the same key; an element applied twice shows twice
  | { type: 'kv.append'; key: string; element: unknown }
  // accounts (cash + positions per symbol); create fails if the account exists
  | { type: 'account.create'; account: string; cash: number; positions?: Record<string, number> }
  // bank transfer of cash; fails (definite) if `from` lacks funds or an account is unknown
  | { type: 'bank.transfer'; from: string; to: string; amount: number }
  // exchange: limit orders matched by price-time priority
  | {
      type: 'order.submit';
      orderId: string;
      account: string;
      symbol: string;
      side: Side;
      price: number;
      qty: number;
    }
  | { type: 'order.cancel'; orderId: string };

export type Query =
  | { type: 'kv.read'; key: string }
  | { type: 'set.read' }
  | { type: 'list.read'; key: string } // one key's append list
  | { type: 'bank.read' } // cash of every account
  | { type: 'exchange.state' }; // accounts, open orders, all orders' fills, trades

export interface Fill {
  tradeId: number;
  symbol: string;
  price: number;
  qty: number;
  buyOrderId: string;
  sellOrderId: string;
  buyer: string;
  seller: string;
  /** order id of the resting order (maker) */
  maker: string;
  /** Raft log index of the command that made the trade */
  logIndex: number;
}

export interface OrderRecord {
  orderId: string;
  account: string;
  symbol: string;
  side: Side;
  price: number;
  qty: number;
  filled: number;
  status: 'open' | 'filled' | 'cancelled';
  /** log index of the submit: the order's time priority */
  logIndex: number;
  /** log index of the cancel, if cancelled (lets a checker replay the book) */
  cancelledAt?: number;
}

export interface AccountRecord {
  cash: number;
  /** cash reserved by open buy orders */
  reservedCash: number;
  positions: Record<string, number>;
  /** shares reserved by open sell orders */
  reservedPositions: Record<string, number>;
}

export interface ExchangeState {
  accounts: Record<string, AccountRecord>;
  orders: Record<string, OrderRecord>;
  trades: Fill[];
}

/** Results of successful commands/queries. */
export type CommandResult =
  | { type: 'kv.write' }
  | { type: 'kv.cas' }
  | { type: 'set.add' }
  | { type: 'kv.append' }
  | { type: 'account.create' }
  | { type: 'bank.transfer' }
  | { type: 'order.submit'; order: OrderRecord; fills: Fill[] }
  | { type: 'order.cancel'; order: OrderRecord };

export type QueryResult =
  | { type: 'kv.read'; value: unknown } // null when never written
  | { type: 'set.read'; elements: unknown[] }
  | { type: 'list.read'; elements: unknown[] } // [] when never appended to
  | { type: 'bank.read'; balances: Record<string, number> }
  | { type: 'exchange.state'; state: ExchangeState };

/**
 * A state-machine rejection: the command was applied to the log but had no
 * effect (precondition failed). Always definite.
 */
export type RejectCode =
  | 'precondition-failed' // cas mismatch
  | 'insufficient-funds'
  | 'unknown-account'
  | 'account-exists'
  | 'duplicate-order'
  | 'unknown-order'
  | 'order-closed'
  | 'invalid-command';
