/**
 * The tree's own rules (docs/architecture.md): the import rules of .dependency-cruiser.cjs (no cycle between
 * source files, type-only imports included; layers; no running service on infra/dev or infra/testing), no
 * hand-written source file over 400 lines, and the fixed top level.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '@hub/runtime';
import { describe, expect, it } from 'vitest';

const root = repoRoot();
const SOURCE_DIRS = ['apps', 'agents', 'tools', 'workflows', 'infra'];
const MAX_LINES = 400;
/** Generated files (not hand-written): the OpenAPI client types. */
const GENERATED = new Set(['apps/gateway/client/openapi.d.ts']);

function* sourceFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (['node_modules', 'dist', '.turbo', 'results', 'artifacts'].includes(name) || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|tsx|mjs|cjs|js)$/.test(name)) yield path;
  }
}

describe('the tree', () => {
  it('keeps the import rules: no cycles (type-only imports included), layers, services never import infra/dev or infra/testing', async () => {
    const bin = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
    const run = await promisify(execFile)(
      process.execPath,
      [bin, '--config', '.dependency-cruiser.cjs', '--output-type', 'err-long', ...SOURCE_DIRS],
      { cwd: root, maxBuffer: 16 << 20 },
    ).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (err: { code?: number; stdout?: string; stderr?: string }) => ({ code: err.code ?? 1, out: `${err.stdout ?? ''}${err.stderr ?? ''}` }),
    );
    expect(run.out).toContain('no dependency violations found');
    expect(run.code, run.out).toBe(0);
  });

  it(`has no hand-written source file over ${MAX_LINES} lines`, () => {
    const long: string[] = [];
    for (const dir of SOURCE_DIRS) {
      for (const file of sourceFiles(join(root, dir))) {
        const rel = relative(root, file);
        if (GENERATED.has(rel)) continue;
        const lines = readFileSync(file, 'utf8').split('\n').length - 1;
        if (lines > MAX_LINES) long.push(`${rel} (${lines} lines)`);
      }
    }
    expect(long).toEqual([]);
  });

  it('keeps the fixed top level (apps agents tools workflows infra, package.json, turbo.json, docs, README, config)', () => {
    const top = readdirSync(root).filter((n) => !n.startsWith('.') && n !== 'node_modules');
    const allowed = ['apps', 'agents', 'tools', 'workflows', 'infra', 'docs', 'package.json', 'package-lock.json', 'turbo.json', 'README.md', 'eslint.config.js', 'tsconfig.base.json'];
    expect(top.filter((n) => !allowed.includes(n))).toEqual([]);
    for (const must of ['apps', 'agents', 'tools', 'workflows', 'infra', 'package.json', 'turbo.json']) expect(top).toContain(must);
    expect(readdirSync(join(root, 'infra')).sort()).toEqual(['bench', 'deploy', 'dev', 'e2e', 'runtime', 'testing']);
  });
});
