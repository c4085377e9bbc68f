import { runFaultline } from './dispatch.js';

// process.argv: [node, script, ...arguments]
await runFaultline(process.argv.slice(2));
