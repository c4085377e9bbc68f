import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { distDir } from '../docker/image.js';
import { EnvironmentError } from '../src/util/errors.js';

/**
 * The helpers written in C (nemesis/native/*.c), compiled with gcc into dist/native/,
 * one binary per content hash of source and flags: `npm run build` compiles them, and
 * first use does if the build could not (or the source changed since).
 */
const PROGRAMS = {
  netq: { source: 'netq.c', libs: ['-lnetfilter_queue', '-lnfnetlink', '-lm'], needs: 'gcc and libnetfilter-queue-dev' },
  'netq-probe': { source: 'netq-probe.c', libs: [], needs: 'gcc' },
  // what `pkg-config --cflags --libs fuse3` prints on Debian 12
  lazyfs: { source: 'lazyfs.c', libs: ['-I/usr/include/fuse3', '-lfuse3', '-lpthread'], needs: 'gcc, fuse3 and libfuse3-dev' },
} as const;
export type NativeProgram = keyof typeof PROGRAMS;
export const NATIVE_PROGRAMS = Object.keys(PROGRAMS) as NativeProgram[];

const CFLAGS = ['-O2', '-Wall', '-Wextra', '-Werror'];
const sourceDir = (): string => path.join(path.dirname(distDir()), 'nemesis', 'native');

/** the path of the program's binary, compiling it first if needed */
export function nativeBinary(name: NativeProgram): string {
  const { source, libs, needs } = PROGRAMS[name];
  const src = path.join(sourceDir(), source);
  if (!existsSync(src)) throw new EnvironmentError('E_NATIVE_BUILD', `${src} is missing`);
  const hash = createHash('sha256')
    .update(readFileSync(src))
    .update([...CFLAGS, ...libs].join(' '))
    .digest('hex')
    .slice(0, 12);
  const out = path.join(distDir(), 'native', `${name}-${hash}`);
  if (existsSync(out)) return out;
  mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  try {
    execFileSync('gcc', [...CFLAGS, '-o', tmp, src, ...libs], { stdio: ['ignore', 'ignore', 'pipe'] });
    renameSync(tmp, out); // atomic: concurrent builders (test workers) each rename a complete binary
    // binaries of older sources (a running one keeps its inode)
    for (const f of readdirSync(path.dirname(out)))
      if (new RegExp(`^${name}-[0-9a-f]{12}$`).test(f) && f !== path.basename(out)) rmSync(path.join(path.dirname(out), f), { force: true });
  } catch (err) {
    rmSync(tmp, { force: true });
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    throw new EnvironmentError(
      'E_NATIVE_BUILD',
      `gcc could not build ${name} from ${src} (needs ${needs}: run bash docker/host-setup.sh): ${stderr || (err as Error).message}`,
      { cause: err },
    );
  }
  return out;
}
