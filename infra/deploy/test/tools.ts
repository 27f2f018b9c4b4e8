/**
 * The validators the tests run (built by `npm run provision -- --only deploy-tools`; built here when
 * missing): helm, and deploy-validate (infra/deploy/validate) with its JSON answers.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findOrBuildDeployTools, type DeployTools } from '@hub/dev';
import { repoRoot } from '@hub/runtime';

export const root = repoRoot();
export const deployDir = join(root, 'infra', 'deploy');
export const chartDir = join(deployDir, 'helm', 'agent-hub');

let tools: Promise<DeployTools> | undefined;
export function deployTools(): Promise<DeployTools> {
  tools ??= findOrBuildDeployTools({ log: (msg) => process.stderr.write(`[deploy-tools] ${msg}\n`) });
  return tools;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { cwd: root, maxBuffer: 64 << 20, env: { ...process.env, HELM_CACHE_HOME: join(scratch(), 'helm-cache'), HELM_CONFIG_HOME: join(scratch(), 'helm-config'), HELM_DATA_HOME: join(scratch(), 'helm-data') } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

let scratchDir: string | undefined;
/** A temporary directory of this test file's process. */
export function scratch(): string {
  scratchDir ??= mkdtempSync(join(tmpdir(), 'hub-deploy-test-'));
  return scratchDir;
}

export function writeScratch(name: string, text: string): string {
  const path = join(scratch(), name);
  writeFileSync(path, text);
  return path;
}

export async function helm(args: string[]): Promise<Run> {
  return run((await deployTools()).helm.path, args);
}

/** `deploy-validate <args>`: its exit code and parsed JSON answer (exit 2, a usage error, throws). */
export async function validate<T>(args: string[], input?: string): Promise<{ code: number; result: T; stderr: string }> {
  const r = await run((await deployTools()).validate.path, args, input);
  if (r.code === 2 || r.stdout.trim() === '') throw new Error(`deploy-validate ${args.join(' ')} failed (exit ${r.code}): ${r.stderr}`);
  return { code: r.code, result: JSON.parse(r.stdout) as T, stderr: r.stderr };
}
