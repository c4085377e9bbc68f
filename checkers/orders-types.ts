/**
 * The exchange state the orders workload's final `state` read returns, as the
 * checker reads it. Prices are integer ticks and quantities integer units; log
 * indexes give the replicated order of submits and cancels (time priority).
 */
export type Side = 'buy' | 'sell';

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
  /** log index of the command that made the trade */
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
  /** log index of the cancel, if cancelled */
  cancelledAt?: number;
}

export interface AccountRecord {
  cash: number;
  reservedCash: number;
  positions: Record<string, number>;
  reservedPositions: Record<string, number>;
}

export interface ExchangeState {
  accounts: Record<string, AccountRecord>;
  orders: Record<string, OrderRecord>;
  trades: Fill[];
}
