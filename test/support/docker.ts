import { execFileSync } from 'node:child_process';

/**
 * Docker-backed tests run when an engine answers. With FAULTLINE_REQUIRE_DOCKER=1
 * (CI) a missing engine is a failure, not a skip.
 */
export function dockerAvailable(): boolean {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

export const DOCKER = dockerAvailable();
export const REQUIRE_DOCKER = process.env.FAULTLINE_REQUIRE_DOCKER === '1';

/**
 * faultline containers and networks still there: those whose name starts with `prefix`,
 * or that `prefix` (a predicate) accepts
 */
export function leftovers(prefix: string | ((name: string) => boolean) = ''): { containers: string; networks: string } {
  const keep = typeof prefix === 'string' ? (name: string) => name.startsWith(prefix) : prefix;
  const list = (args: string[], field: string): string =>
    execFileSync('docker', [...args, '--filter', 'label=faultline.cluster', '--format', `{{.${field}}}`], { encoding: 'utf8' })
      .split('\n')
      .filter((name) => name && keep(name))
      .join('\n');
  return { containers: list(['ps', '-a'], 'Names'), networks: list(['network', 'ls'], 'Name') };
}

/**
 * A predicate for the clusters of these `faultline run` processes: a cluster is named
 * `<test name>-<pid in base 36><4 characters of time>` (src/controller/run.ts), so other
 * runs sharing the engine (a bench, another test) are not counted.
 */
export function clustersOf(pids: readonly number[]): (name: string) => boolean {
  const marks = pids.map((pid) => new RegExp(`-${pid.toString(36)}[0-9a-z]{4}(-|$)`));
  return (name) => name.startsWith('faultline-') && marks.some((m) => m.test(name));
}
