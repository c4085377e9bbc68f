/**
 * The exchange node's HTTP/JSON client API as this adapter uses it (the node's own
 * definition is systems/exchange/protocol.ts; the harness keeps its own copy of the
 * wire format, as it would for any system it did not write).
 *
 *   POST /v1/command {clientId, seq, command} → {ok: true, result, node} | {ok: false, error, node}
 *   POST /v1/query   {query}                  → {ok: true, result, node} | {ok: false, error, node}
 *   GET  /health                              → Health
 *   GET  /v1/digest                           → { appliedIndex, digest }  (sha256 of the state machine as of appliedIndex)
 *
 * An error's `definite: true` means the command certainly did not and will not take
 * effect (`fail`); otherwise its outcome is unknown (`info`). `not-leader` carries the
 * leader's id and client URL when known.
 */
export type Command =
  | { type: 'kv.write'; key: string; value: unknown }
  | { type: 'kv.cas'; key: string; from: unknown; to: unknown }
  | { type: 'set.add'; element: unknown }
  | { type: 'kv.append'; key: string; element: unknown }
  | { type: 'account.create'; account: string; cash: number; positions?: Record<string, number> }
  | { type: 'bank.transfer'; from: string; to: string; amount: number }
  | { type: 'order.submit'; orderId: string; account: string; symbol: string; side: 'buy' | 'sell'; price: number; qty: number }
  | { type: 'order.cancel'; orderId: string };

export type Query =
  | { type: 'kv.read'; key: string }
  | { type: 'set.read' }
  | { type: 'list.read'; key: string } // → { elements: [...] }, [] when never appended to
  | { type: 'bank.read' }
  | { type: 'exchange.state' };

export interface ApiError {
  code: string;
  definite: boolean;
  message?: string;
  leader?: { id: string; url?: string };
}

export interface Health {
  id: string;
  role: 'leader' | 'follower' | 'candidate' | 'pre-candidate';
  term: number;
  leader: string | null;
  commitIndex: number;
  appliedIndex: number;
  now: number;
  options: Record<string, string>;
}
