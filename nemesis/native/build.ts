import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnvironmentError } from '../../src/util/errors.js';

/**
 * Builds the power-cut layer (nemesis/native/lazyfs.c) with gcc into dist/native/,
 * named by the hash of the source and flags, so a changed source is rebuilt and an
 * unchanged one never is. `npm run build` calls this; so does the first use.
 */
const FLAGS = ['-O2', '-Wall', '-Wextra', '-Werror'];

/** the checkout's root, whether this module runs from dist/ or from the sources */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'faultline') return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new EnvironmentError('E_NO_CHECKOUT', 'cannot find the faultline checkout (package.json) above nemesis/native');
    dir = up;
  }
}

function pkgConfig(lib: string): string[] {
  try {
    return execFileSync('pkg-config', ['--cflags', '--libs', lib], { encoding: 'utf8' }).trim().split(/\s+/).filter(Boolean);
  } catch {
    throw new EnvironmentError('E_NATIVE_BUILD', `pkg-config finds no ${lib}: install Debian's fuse3 and libfuse3-dev (bash docker/host-setup.sh)`);
  }
}

/** Path of the built `faultline-lazyfs` binary; compiles it first if needed. Throws EnvironmentError when it cannot. */
export function lazyfsBinary(): string {
  const root = repoRoot();
  const source = path.join(root, 'nemesis/native/lazyfs.c');
  const text = readFileSync(source);
  const hash = createHash('sha256').update(text).update(FLAGS.join(' ')).digest('hex').slice(0, 16);
  const dir = path.join(root, 'dist/native');
  const out = path.join(dir, `faultline-lazyfs-${hash}`);
  if (existsSync(out)) return out;
  const libs = pkgConfig('fuse3');
  mkdirSync(dir, { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    execFileSync('gcc', [...FLAGS, '-o', tmp, source, ...libs], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    rmSync(tmp, { force: true });
    const e = err as { stderr?: string; message: string };
    throw new EnvironmentError('E_NATIVE_BUILD', `gcc could not build ${source}: ${(e.stderr ?? e.message).trim()}`, { cause: err });
  }
  renameSync(tmp, out); // atomic: two builds at once both end with a whole binary
  // older builds go (a helper still running one keeps its copy until it exits)
  for (const f of readdirSync(dir)) if (/^faultline-lazyfs-[0-9a-f]{16}$/.test(f) && path.join(dir, f) !== out) rmSync(path.join(dir, f), { force: true });
  return out;
}

// `node dist/nemesis/native/build.js` (from npm run build): build now, but a machine without libfuse3 still builds the rest.
// With --path it prints only the binary's path, or nothing when it cannot be built (npm run bench:node).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const quiet = process.argv.includes('--path');
  try {
    const bin = lazyfsBinary();
    console.log(quiet ? bin : `faultline-lazyfs: ${bin}`);
  } catch (err) {
    if (!quiet) console.warn(`warning: ${(err as Error).message}; the power-cut fault will not be available`);
  }
}
