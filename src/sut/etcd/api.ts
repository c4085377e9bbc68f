/**
 * etcd 3.4's v3 JSON gateway as this adapter uses it (grpc-gateway in front of the
 * KV, Cluster and Maintenance services, on the client port). Every call is a POST of
 * a JSON body; keys and values are base64, int64s are decimal strings, and fields
 * that are zero or false are left out (so `succeeded` is missing when a txn's
 * compare failed, and `kvs` when a range found nothing).
 *
 *   POST /v3/kv/range              {key, range_end?, serializable?, keys_only?} → {header, kvs?, count?}
 *   POST /v3/kv/put                {key, value}                                 → {header}
 *   POST /v3/kv/txn                {compare, success, failure}                  → {header, succeeded?, responses?}
 *   POST /v3/maintenance/status    {}                                           → Status
 *   POST /v3/cluster/member/list   {}                                           → {members: [{ID, name, ...}]}
 *
 * An error is an HTTP status from the gRPC code and `{error, message, code}`.
 */

export interface Header {
  cluster_id?: string;
  member_id?: string;
  revision?: string;
  raft_term?: string;
}

export interface KeyValue {
  key: string;
  value?: string;
  create_revision?: string;
  mod_revision?: string;
  version?: string;
}

export interface RangeRequest {
  key: string;
  range_end?: string;
  serializable?: boolean;
  keys_only?: boolean;
}

export interface RangeResponse {
  header?: Header;
  kvs?: KeyValue[];
  count?: string;
}

export interface Compare {
  key: string;
  target: 'VALUE' | 'MOD' | 'CREATE' | 'VERSION';
  result: 'EQUAL' | 'NOT_EQUAL' | 'LESS' | 'GREATER';
  value?: string;
  mod_revision?: string;
  create_revision?: string;
}

export type RequestOp = { request_put: { key: string; value: string } } | { request_range: RangeRequest };

export interface TxnRequest {
  compare: Compare[];
  success: RequestOp[];
  failure?: RequestOp[];
}

export interface TxnResponse {
  header?: Header;
  succeeded?: boolean;
  responses?: ({ response_range?: RangeResponse } | { response_put?: { header?: Header } })[];
}

/** /v3/maintenance/status: `raftIndex` is the member's commit index, `leader` the member id it believes leads (absent: none) */
export interface Status {
  header?: Header;
  version?: string;
  leader?: string;
  raftIndex?: string;
  raftTerm?: string;
  raftAppliedIndex?: string;
  isLearner?: boolean;
}

/** POST /v3/maintenance/hash: a hash of the member's whole backend (the consistent index left out), at header.revision */
export interface HashResponse {
  header?: Header;
  hash?: number;
}

export interface Member {
  ID?: string;
  name?: string;
  peerURLs?: string[];
  clientURLs?: string[];
}

export interface MemberListResponse {
  header?: Header;
  members?: Member[];
}

/** the gateway's error body */
export interface GatewayError {
  error?: string;
  message?: string;
  /** the gRPC status code */
  code?: number;
}
