import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A temporary results store with a valid run, an invalid one (with a violation page
 * and node logs), an unfinished one (no results.json), `latest` links at both
 * levels as store.ts makes them, and a symlink leading out of the store.
 */
export function fakeStore(): { store: string; outside: string } {
  const base = mkdtempSync(path.join(tmpdir(), 'faultline-serve-'));
  const store = path.join(base, 'results');
  const outside = path.join(base, 'secret.txt');
  writeFileSync(outside, 'not yours\n');
  const run = (test: string, stamp: string, cfg: object, results?: object, extra: Record<string, string> = {}): string => {
    const dir = path.join(store, test, stamp);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'test.json'), JSON.stringify({ testName: test, nodes: 3, ...cfg }));
    writeFileSync(path.join(dir, 'history.jsonl'), '{"index":0,"time":1,"type":"invoke","process":0,"f":"read","value":null}\n');
    if (results) writeFileSync(path.join(dir, 'results.json'), JSON.stringify(results));
    for (const [name, text] of Object.entries(extra)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
    return dir;
  };
  run('register-all', '2025-01-01T100000', { workload: 'register', families: ['partition', 'kill'], nodeOpts: {}, started: '2025-01-01T10:00:00.123Z' }, { valid: true, run: { counts: { ok: 90, fail: 5, info: 5 }, throughput: { opsPerSecond: 42 } } }, { 'timeline.html': '<html>t</html>', 'latency.svg': '<svg/>' });
  run('register-partition', '2025-01-02T100000', { workload: 'register', families: ['partition'], nodeOpts: { 'read-mode': 'local' } }, { valid: false, run: { counts: { ok: 10, fail: 0, info: 1 } } }, { 'linearizability.html': '<html>bad</html>', 'nodes/n1/node.log': 'n1 log\n', 'nodes/n2/node.log': 'n2 log\n' });
  run('set-none', '2025-01-03T100000', { workload: 'set', families: [] });
  mkdirSync(path.join(store, 'cluster', 'n1'), { recursive: true }); // `faultline cluster up` data: not a run
  symlinkSync('2025-01-02T100000', path.join(store, 'register-partition', 'latest'));
  symlinkSync(path.join('set-none', '2025-01-03T100000'), path.join(store, 'latest'));
  symlinkSync(outside, path.join(store, 'register-all', '2025-01-01T100000', 'escape.txt'));
  symlinkSync(base, path.join(store, 'register-all', 'up'));
  return { store, outside };
}
