import { describe, expect, it } from 'vitest';
import { hostAllowed, hostOf, isLoopback } from '../../../src/serve/host.js';

describe('the Host header check (DNS rebinding)', () => {
  it('reads the host part of a Host header', () => {
    expect(['localhost:8080', '[::1]:80', 'A.Example.', '10.0.0.1', 'bad host', '[zz]:1', ':80', ''].map(hostOf)).toEqual([
      'localhost',
      '::1',
      'a.example',
      '10.0.0.1',
      null,
      null,
      null,
      null,
    ]);
  });

  it('accepts localhost, IP literals, the bound name and allowed names; refuses other names and a missing header', () => {
    expect(hostAllowed('localhost:8080', '127.0.0.1')).toBe(true);
    expect(hostAllowed('app.localhost', '127.0.0.1')).toBe(true);
    expect(hostAllowed('192.168.1.9:8080', '0.0.0.0')).toBe(true);
    expect(hostAllowed('[fe80::1]:8080', '::')).toBe(true);
    expect(hostAllowed('box.lan:8080', 'box.lan')).toBe(true);
    expect(hostAllowed('ci.example:8080', '0.0.0.0', ['CI.example'])).toBe(true);
    expect(hostAllowed('evil.example:8080', '0.0.0.0')).toBe(false);
    expect(hostAllowed('localhost.evil.example', '127.0.0.1')).toBe(false);
    expect(hostAllowed(undefined, '127.0.0.1')).toBe(false);
  });

  it('knows which bind addresses stay on this machine', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '::', '192.168.1.2', 'box.lan'].some(isLoopback)).toBe(false);
  });
});
