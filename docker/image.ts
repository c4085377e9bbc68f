import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { EnvironmentError } from '../src/util/errors.js';

export const IMAGE_REPO = 'faultline-node';
export const FAKETIME_LIB = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
/** the parts of dist/ the node process needs (it imports nothing from node_modules) */
const NODE_DIRS = ['src/node', 'src/raft', 'src/replica', 'src/storage', 'src/exchange', 'src/util'];

export interface BuiltImage {
  tag: string;
  built: boolean;
  ms: number;
}

/** dist/ of this build, whether this module runs from dist/ or from the sources */
export function distDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const parts = here.split(path.sep);
  const i = parts.lastIndexOf('dist');
  return i >= 0 ? parts.slice(0, i + 1).join(path.sep) : path.resolve(here, '../dist');
}

/** Files of the image: [path in image, path on host]. */
function inputs(dist: string): [string, string][] {
  const files: [string, string][] = [];
  const node = realpathSync(process.execPath);
  files.push(['/usr/bin/node', node]);
  for (const lib of sharedLibraries(node)) files.push([lib, realpathSync(lib)]);
  if (!existsSync(FAKETIME_LIB)) throw new EnvironmentError('E_NO_FAKETIME', `${FAKETIME_LIB} is missing: install Debian's libfaketime (bash docker/host-setup.sh)`);
  files.push([FAKETIME_LIB, realpathSync(FAKETIME_LIB)]);
  for (const dir of NODE_DIRS) {
    const abs = path.join(dist, dir);
    if (!existsSync(abs)) throw new EnvironmentError('E_NOT_BUILT', `${abs} is missing: run npm run build first`);
    for (const f of walk(abs)) if (f.endsWith('.js')) files.push([path.posix.join('/app/dist', path.relative(dist, f)), f]);
  }
  return files.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

function sharedLibraries(binary: string): string[] {
  // ldd's "name => /path (addr)" and "/lib64/ld-linux... (addr)" lines
  const ldd = execFileSync('ldd', [binary], { encoding: 'utf8' });
  const libs = new Set<string>();
  for (const line of ldd.split('\n')) {
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m) libs.add(m[1]);
  }
  return [...libs];
}

function* walk(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else yield p;
  }
}

/** content hash of everything that goes into the image: rebuild only when it changes */
function hashInputs(files: [string, string][]): string {
  const h = createHash('sha256');
  for (const [inImage, onHost] of files) {
    h.update(inImage);
    h.update(readFileSync(onHost));
  }
  return h.digest('hex').slice(0, 16);
}

export async function imageExists(tag: string): Promise<boolean> {
  const r = await execa('docker', ['image', 'inspect', tag], { reject: false });
  return r.exitCode === 0;
}

/**
 * Builds the node image offline: a root filesystem holding node, the libraries it
 * links, libfaketime and the node's part of dist/, imported with `docker import`.
 */
export async function buildImage(opts: { force?: boolean } = {}): Promise<BuiltImage> {
  const t0 = performance.now();
  const files = inputs(distDir());
  const tag = `${IMAGE_REPO}:${hashInputs(files)}`;
  if (!opts.force && (await imageExists(tag))) {
    await execa('docker', ['tag', tag, `${IMAGE_REPO}:latest`]);
    return { tag, built: false, ms: performance.now() - t0 };
  }
  const root = mkdtempSync(path.join(tmpdir(), 'faultline-rootfs-'));
  try {
    for (const [inImage, onHost] of files) {
      const dest = path.join(root, inImage);
      mkdirSync(path.dirname(dest), { recursive: true });
      copyFileSync(onHost, dest);
    }
    for (const d of ['tmp', 'data', 'clock', 'etc']) mkdirSync(path.join(root, d), { recursive: true });
    writeFileSync(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/false\n');
    writeFileSync(path.join(root, 'etc/hosts'), '127.0.0.1 localhost\n');
    // ESM: the dist tree needs "type": "module" above it
    writeFileSync(path.join(root, 'app/package.json'), '{"type":"module"}\n');
    const tarFile = `${root}.tar`;
    await execa('tar', ['-C', root, '-cf', tarFile, '.']);
    try {
      await execa('docker', [
        'import',
        '--change', 'ENTRYPOINT ["/usr/bin/node", "/app/dist/src/node/main.js"]',
        '--change', 'WORKDIR /',
        '--change', 'LABEL faultline.image=node',
        tarFile,
        tag,
      ]);
    } finally {
      rmSync(tarFile, { force: true });
    }
    await execa('docker', ['tag', tag, `${IMAGE_REPO}:latest`]);
    return { tag, built: true, ms: performance.now() - t0 };
  } catch (err) {
    throw new EnvironmentError('E_IMAGE_BUILD', `building the node image failed: ${(err as Error).message}`, { cause: err });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
