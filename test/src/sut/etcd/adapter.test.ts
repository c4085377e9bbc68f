import { describe, expect, it } from 'vitest';
import { FAMILIES } from '../../../../nemesis/families.js';
import { resolveRunConfig } from '../../../../src/controller/config.js';
import { ETCD_CLOCK_REASON, etcdSut } from '../../../../src/sut/etcd/adapter.js';
import { makeSut } from '../../../../src/sut/registry.js';
import { UsageError } from '../../../../src/util/errors.js';
import { ETCD, REQUIRE_ETCD } from '../../../support/etcd.js';

const cluster = [1, 2, 3].map((i) => ({ id: `n${i}`, ip: `172.31.250.${10 + i}` }));

describe('the etcd adapter', () => {
  it('is listed as a system under test and validates its options when made', () => {
    expect(makeSut('etcd', {}).name).toBe('etcd');
    expect(() => makeSut('etcd', { serializable: 'maybe' })).toThrow(UsageError);
  });

  it('bootstraps each member statically: named by our node id, every peer in --initial-cluster, data in the bind-mounted /data', () => {
    const sut = etcdSut({ 'heartbeat-interval': '50', 'election-timeout': '600', 'pre-vote': 'true' });
    const { cmd } = sut.launch(cluster[1], cluster);
    const flag = (name: string): string => cmd[cmd.indexOf(name) + 1];
    expect(flag('--name')).toBe('n2');
    expect(flag('--data-dir')).toBe(sut.dataDir);
    expect(flag('--initial-cluster')).toBe('n1=http://172.31.250.11:2380,n2=http://172.31.250.12:2380,n3=http://172.31.250.13:2380');
    expect(flag('--initial-advertise-peer-urls')).toBe('http://172.31.250.12:2380');
    expect(flag('--advertise-client-urls')).toBe('http://172.31.250.12:2379');
    expect(flag('--heartbeat-interval')).toBe('50');
    expect(flag('--election-timeout')).toBe('600');
    expect(cmd).toContain('--pre-vote=true');
    expect(sut.clientUrl(cluster[0])).toBe('http://172.31.250.11:2379');
  });

  it.runIf(ETCD || REQUIRE_ETCD)("its image holds Debian's etcd binary and the libraries it links, nothing else", () => {
    const spec = etcdSut({}).image();
    const inImage = spec.files.map(([p]) => p);
    expect(inImage[0]).toBe('/usr/bin/etcd');
    expect(inImage.some((p) => /\/libc\.so\.6$/.test(p))).toBe(true);
    expect(inImage.some((p) => /ld-linux-x86-64\.so\.2$/.test(p))).toBe(true);
    expect(inImage.length).toBeLessThan(6);
    expect(spec.entrypoint).toEqual(['/usr/bin/etcd']);
  });

  it("runs no libfaketime (it cannot move a Go binary's clock) and refuses clock faults with that reason", () => {
    const sut = etcdSut({});
    expect(sut.fakeClock).toBe(false);
    expect(sut.unsupportedFaults).toEqual({ clock: ETCD_CLOCK_REASON });
    expect(() => resolveRunConfig({ sut: 'etcd', nemesis: 'partition,clock' })).toThrow(
      /--nemesis clock does not apply to --sut etcd: libfaketime cannot move its clock/,
    );
    expect(() => resolveRunConfig({ sut: 'etcd', nemesis: 'clock' })).toThrow(UsageError);
  });

  it('--nemesis all means every family but clock for etcd', () => {
    expect(resolveRunConfig({ sut: 'etcd', nemesis: 'all' }).families).toEqual(FAMILIES.filter((f) => f !== 'clock'));
  });

  it("runs register, set and bank; orders (the exchange's own order book) and append are refused", () => {
    expect(resolveRunConfig({ sut: 'etcd', workload: 'bank', nemesis: 'none' }).workload).toBe('bank');
    expect(() => resolveRunConfig({ sut: 'etcd', workload: 'orders' })).toThrow(
      /--workload orders is not implemented for --sut etcd; it runs register, set, bank/,
    );
    expect(() => resolveRunConfig({ sut: 'etcd', workload: 'append' })).toThrow(UsageError);
    expect(() => resolveRunConfig({ sut: 'etcd', workload: 'append' })).toThrow(/--workload append is not implemented for --sut etcd/);
  });

  it('takes --sut-opt, not --node-opt, and names its runs etcd-…', () => {
    expect(() => resolveRunConfig({ sut: 'etcd', nodeOpt: ['read-mode=local'] })).toThrow(/use --sut-opt/);
    const cfg = resolveRunConfig({ sut: 'etcd', sutOpt: ['serializable=true'], nemesis: 'partition' });
    expect(cfg.sutOpts).toEqual({ serializable: 'true' });
    expect(cfg.testName).toBe('etcd-register-partition');
  });
});
