import { describe, expect, it } from 'vitest';
import { classifyGatewayError, classifyTransportError, errorName } from '../../../../src/sut/etcd/errors.js';

// bodies as etcd 3.4.23's gateway sends them (gRPC code in `code`)
const gw = (error: string, code: number) => ({ error, message: error, code });

describe('etcd errors: fail (certainly did not happen) or info (may have)', () => {
  it('a proposal that may still commit is info: request timed out in every variant, server stopped, leader changed, context deadline', () => {
    for (const m of [
      'etcdserver: request timed out',
      'etcdserver: request timed out, possibly due to previous leader failure',
      'etcdserver: request timed out, possibly due to connection lost',
      'etcdserver: server stopped',
      'etcdserver: leader changed',
      'context deadline exceeded',
    ]) {
      expect(classifyGatewayError(503, gw(m, 14), true).type, m).toBe('info');
    }
  });

  it('what never entered the log is fail: too many requests, too large, no space, a proposal Raft dropped, any InvalidArgument', () => {
    expect(classifyGatewayError(429, gw('etcdserver: too many requests', 8), true)).toEqual({ type: 'fail', error: 'too-many-requests' });
    expect(classifyGatewayError(400, gw('etcdserver: request is too large', 3), true).type).toBe('fail');
    expect(classifyGatewayError(429, gw('etcdserver: mvcc: database space exceeded', 8), true)).toEqual({ type: 'fail', error: 'database-space-exceeded' });
    expect(classifyGatewayError(500, gw('raft proposal dropped', 2), true)).toEqual({ type: 'fail', error: 'raft-proposal-dropped' });
    expect(classifyGatewayError(400, gw('etcdserver: duplicate key given in txn request', 3), true)).toEqual({
      type: 'fail',
      error: 'duplicate-key-given-in-txn-request',
    });
  });

  it("an error it does not know, or a body that is not the gateway's, is info for a write", () => {
    expect(classifyGatewayError(500, gw('transport is closing', 14), true)).toEqual({ type: 'info', error: 'transport-is-closing' });
    expect(classifyGatewayError(502, null, true)).toEqual({ type: 'info', error: 'http-502' });
  });

  it('a read that did not answer is fail whatever the error: it changed nothing', () => {
    expect(classifyGatewayError(503, gw('etcdserver: request timed out', 14), false).type).toBe('fail');
    expect(classifyGatewayError(503, gw('etcdserver: leader changed', 14), false)).toEqual({ type: 'fail', error: 'leader-changed' });
    expect(classifyTransportError({ message: 'timeout', code: 'ETIMEDOUT', connected: true }, false)).toEqual({ type: 'fail', error: 'timeout' });
  });

  it('a write whose connection never came up is fail (no byte was sent); once connected, a timeout or reset is info', () => {
    expect(classifyTransportError({ message: 'connect ECONNREFUSED 172.31.250.11:2379', code: 'ECONNREFUSED', connected: false }, true)).toEqual({
      type: 'fail',
      error: 'econnrefused',
    });
    expect(classifyTransportError({ message: 'timeout', code: 'ETIMEDOUT', connected: false }, true)).toEqual({ type: 'fail', error: 'connect-timeout' });
    expect(classifyTransportError({ message: 'timeout', code: 'ETIMEDOUT', connected: true }, true)).toEqual({ type: 'info', error: 'timeout' });
    expect(classifyTransportError({ message: 'socket hang up', code: 'ECONNRESET', connected: true }, true)).toEqual({ type: 'info', error: 'econnreset' });
  });

  it('an error that does not say whether it connected is taken as connected (info)', () => {
    expect(classifyTransportError({ message: 'boom' }, true)).toEqual({ type: 'info', error: 'boom' });
  });

  it('names errors shortly and stably', () => {
    expect(errorName('etcdserver: request timed out, possibly due to previous leader failure')).toBe(
      'request-timed-out-possibly-due-to-previous-leader-failure',
    );
    expect(errorName('etcdserver: leader changed')).toBe('leader-changed');
  });
});
