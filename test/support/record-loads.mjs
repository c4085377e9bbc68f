// `node --import ./test/support/record-loads.mjs ...`: appends every module URL the
// process resolves to the file named by FAULTLINE_LOADS (to test what a command loads).
import { register } from 'node:module';

register('./record-loads-hooks.mjs', import.meta.url);
