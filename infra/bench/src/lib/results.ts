/** Writes a suite's result as JSON under infra/bench/results/ and says where. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@hub/runtime';

export const machine = (): { cpus: number; node: string } => ({ cpus: cpus().length, node: process.version });

/** `name-<timestamp>.json`; returns the path. */
export function writeResult(name: string, result: object): string {
  const dir = join(repoRoot(), 'infra', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(`results: ${file}\n`);
  return file;
}
