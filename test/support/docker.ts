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

export function leftovers(): { containers: string; networks: string } {
  const containers = execFileSync('docker', ['ps', '-aq', '--filter', 'label=faultline.cluster'], { encoding: 'utf8' }).trim();
  const networks = execFileSync('docker', ['network', 'ls', '-q', '--filter', 'label=faultline.cluster'], { encoding: 'utf8' }).trim();
  return { containers, networks };
}
