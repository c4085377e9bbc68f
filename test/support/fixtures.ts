import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/**
 * Porcupine's test histories, read in place from the shared folder beside the
 * checkout (never copied); FAULTLINE_FIXTURES points elsewhere.
 */
export const porcupineFixtures = path.resolve(process.env.FAULTLINE_FIXTURES ?? path.join(repoRoot, '../shared/fixtures/porcupine'));

/** Verdicts asserted by Porcupine's porcupine_test.go (fixtures README). */
export const ETCD_LINEARIZABLE = new Set('002 005 007 018 025 031 038 045 048 049 051 053 056 067 075 076 080 087 092 098 100 101 102'.split(' '));
