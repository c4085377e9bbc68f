import { describe, expect, it } from 'vitest';
import { isOrphan } from '../../../src/cluster/docker.js';

describe('isOrphan: which leftover clusters the next run removes', () => {
  const alive = (pid: number): boolean => pid === 42;

  it('removes a cluster whose controller on this host has exited', () => {
    expect(isOrphan('box:7', 'box', alive)).toBe(true);
  });

  it('keeps the clusters of controllers still running, of other hosts, and manual ones', () => {
    expect(isOrphan('box:42', 'box', alive)).toBe(false);
    expect(isOrphan('other:7', 'box', alive)).toBe(false);
    expect(isOrphan('manual', 'box', alive)).toBe(false);
  });

  it('treats an unlabelled cluster (an older faultline) as an orphan', () => {
    expect(isOrphan(undefined, 'box', alive)).toBe(true);
  });

  it('reads host names that contain colons up to the last one', () => {
    expect(isOrphan('fe80::1:7', 'fe80::1', alive)).toBe(true);
  });
});
