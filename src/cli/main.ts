import { runFaultline } from './dispatch.js';

// A reader that has gone (a killed pipeline or bench, a closed terminal) must not crash a
// run before its teardown: what would have been printed is dropped, the run goes on.
const dropOnEpipe = (err: NodeJS.ErrnoException): void => {
  if (err.code !== 'EPIPE') throw err;
};
process.stdout.on('error', dropOnEpipe);
process.stderr.on('error', dropOnEpipe);

// process.argv: [node, script, ...arguments]
await runFaultline(process.argv.slice(2));
