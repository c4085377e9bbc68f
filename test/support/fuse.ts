import { accessSync, constants } from 'node:fs';

/**
 * FUSE-backed tests (the power-cut layer) run where /dev/fuse is usable and we are
 * root (mounting with allow_other). With FAULTLINE_REQUIRE_DOCKER=1 (CI, which
 * prepares the host with docker/host-setup.sh) a missing FUSE is a failure, not a skip.
 */
function fuseAvailable(): boolean {
  try {
    accessSync('/dev/fuse', constants.R_OK | constants.W_OK);
    return process.getuid?.() === 0;
  } catch {
    return false;
  }
}

export const FUSE = fuseAvailable() || process.env.FAULTLINE_REQUIRE_DOCKER === '1';
