import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Porcupine's test histories, read in place from the shared folder (never copied). */
export const porcupineFixtures = path.resolve(repoRoot, '../shared/fixtures/porcupine');

/** Verdicts asserted by Porcupine's porcupine_test.go (fixtures README). */
export const ETCD_LINEARIZABLE = new Set(
  '002 005 007 018 025 031 038 045 048 049 051 053 056 067 075 076 080 087 092 098 100 101 102'.split(' '),
);
