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

/** faultline containers and networks still there (those whose name starts with `prefix`, if given) */
export function leftovers(prefix = ''): { containers: string; networks: string } {
  const list = (args: string[], field: string): string =>
    execFileSync('docker', [...args, '--filter', 'label=faultline.cluster', '--format', `{{.${field}}}`], { encoding: 'utf8' })
      .split('\n')
      .filter((name) => name && name.startsWith(prefix))
      .join('\n');
  return { containers: list(['ps', '-a'], 'Names'), networks: list(['network', 'ls'], 'Name') };
}
