#!/usr/bin/env node
/**
 * The worker's start command: the compiled worker (node_modules/.cache/hub-worker, built by
 * `npm run provision`, see apps/worker/src/compiled-entry.ts) when every one of its inputs is unchanged,
 * else the TypeScript entry through tsx (saying why). Plain JavaScript, so the fast path loads no
 * TypeScript loader at all. Arguments and environment are those of apps/worker/src/main.ts.
 */
import { createHash } from 'node:crypto';
import process from 'node:process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
// HUB_WORKER_COMPILED_DIR: for tests (inside the repo, like the default).
const dir = process.env.HUB_WORKER_COMPILED_DIR?.trim() || join(root, 'node_modules', '.cache', 'hub-worker');
const FORMAT = 2;

function compiled() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  } catch {
    return { reason: `no compiled worker in ${dir}` };
  }
  if (manifest.format !== FORMAT) return { reason: 'compiled worker of another format' };
  for (const [file, digest] of Object.entries(manifest.inputs)) {
    let now;
    try {
      now = createHash('sha256').update(readFileSync(join(root, file))).digest('hex');
    } catch {
      return { reason: `${file} is gone` };
    }
    if (now !== digest) return { reason: `${file} changed` };
  }
  const file = join(dir, manifest.file);
  return existsSync(file) ? { file } : { reason: `${file} is missing` };
}

const found = process.env.HUB_WORKER_COMPILED === '0' ? { reason: 'HUB_WORKER_COMPILED=0' } : compiled();
if (found.file) {
  await import(pathToFileURL(found.file).href);
} else {
  if (!process.argv.includes('--help') && !process.argv.includes('-h')) {
    process.stderr.write(
      JSON.stringify({ level: 'warn', time: new Date().toISOString(), component: 'worker', msg: 'compiled worker not used; starting the TypeScript entry', reason: found.reason, hint: 'npm run provision -- --only worker-entry compiles it' }) + '\n',
    );
  }
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(root, 'apps', 'worker', 'src', 'main.ts')).href);
}
