/**
 * The two Dockerfiles, without a container engine: parsed and linted by BuildKit's own parser
 * (deploy-validate dockerfile), every COPY source present in the repository and sent by the build context
 * (their .dockerignore), then what the hub needs of them: multi-stage on node:20 slim, npm ci, every
 * workspace's manifest before it, a non-root final user, the gateway's HEALTHCHECK on /healthz, SIGTERM.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { deployDir, deployTools, root, validate, writeScratch } from './tools';

interface Command { name: string; line: number; source: string; from?: string; dest?: string; args?: string[]; sources?: { path: string; files: number }[] }
interface Stage { name: string; base: string; commands: Command[] }
interface DockerResult { ok: boolean; errors: string[]; warnings: string[]; dockerignore: string; stages: Stage[]; probes: Record<string, boolean> }

const PROBES = ['node_modules/vitest/package.json', '.hub/temporal.db', '.git/HEAD', 'hub.config.json', 'apps/web/dist/index.html', 'apps/gateway/test/app.test.ts', 'apps/gateway/src/main.ts', 'workflows/src/session.ts', 'infra/deploy/package.json'];

async function check(file: string, extra: string[] = []): Promise<{ code: number; result: DockerResult }> {
  return validate<DockerResult>(['dockerfile', file, '--context', root, '--probe', PROBES.join(','), ...extra]);
}

/** Every workspace directory of the root package.json (globs like apps/* expanded). */
function workspaces(): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] };
  return pkg.workspaces.flatMap((w) =>
    w.endsWith('/*') ? readdirSync(join(root, w.slice(0, -2))).map((d) => `${w.slice(0, -2)}/${d}`).filter((d) => existsSync(join(root, d, 'package.json'))) : [w],
  );
}

const runs = (stage: Stage) => stage.commands.filter((c) => c.name === 'RUN').map((c) => c.args?.join(' ') ?? '');
const last = <T>(xs: T[]): T => xs[xs.length - 1]!;

beforeAll(async () => {
  await deployTools();
});

describe.each(['gateway', 'worker'])('%s.Dockerfile', (service) => {
  const file = join(deployDir, `${service}.Dockerfile`);

  it('parses and lints clean, every COPY source exists and is sent by the context', async () => {
    const { code, result } = await check(file);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(code).toBe(0);
    expect(result.dockerignore).toBe(`${file}.dockerignore`);
  });

  it('is multi-stage on node:20 slim, installs with npm ci after every workspace manifest, and ends as a non-root user', async () => {
    const { result } = await check(file);
    expect(result.stages.length).toBeGreaterThanOrEqual(3);
    const final = last(result.stages);
    expect(final.base).toMatch(/^node:20(\.\d+)*-[a-z]+-slim$|^node:20-slim$/);
    expect(result.stages[0]!.base).toBe(final.base);
    const manifests = result.stages[0]!.commands.filter((c) => c.name === 'COPY').flatMap((c) => c.sources?.map((s) => s.path) ?? []);
    expect(manifests).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', ...workspaces().map((w) => `${w}/package.json`)]));
    const installs = result.stages.flatMap(runs).filter((r) => /\bnpm (ci|install)\b/.test(r) && !r.includes('install -g npm@'));
    expect(installs.length).toBeGreaterThanOrEqual(2);
    for (const r of installs) expect(r).toMatch(/^npm ci\b/);
    expect(installs.some((r) => r.includes('--omit=dev'))).toBe(true);
    const users = final.commands.filter((c) => c.name === 'USER').map((c) => c.args?.[0]);
    expect(users).toEqual(['node']);
    const userAt = final.commands.findIndex((c) => c.name === 'USER');
    expect(final.commands.slice(userAt).filter((c) => c.name === 'RUN'), 'nothing runs as root after USER').toEqual([]);
    expect(final.commands.find((c) => c.name === 'STOPSIGNAL')?.args).toEqual(['SIGTERM']);
    const cmd = final.commands.find((c) => c.name === 'CMD')?.args ?? [];
    expect(cmd[0]).toBe('node');
    // The entry the image starts exists in the repository.
    expect(existsSync(join(root, last(cmd)))).toBe(true);
  });

  it('sends the sources and leaves out node_modules, local state, the local config, tests and builds', async () => {
    const { result } = await check(file);
    expect(result.probes).toEqual({
      'node_modules/vitest/package.json': false,
      '.hub/temporal.db': false,
      '.git/HEAD': false,
      'hub.config.json': false,
      'apps/web/dist/index.html': false,
      'apps/gateway/test/app.test.ts': false,
      'apps/gateway/src/main.ts': true,
      'workflows/src/session.ts': true,
      'infra/deploy/package.json': true,
    });
  });
});

describe('the images together', () => {
  it('share one ignore file', () => {
    expect(readFileSync(join(deployDir, 'worker.Dockerfile.dockerignore'), 'utf8')).toBe(readFileSync(join(deployDir, 'gateway.Dockerfile.dockerignore'), 'utf8'));
  });

  it('the gateway checks /healthz on its PORT and ships the built web app; the worker ships its prebuilt bundle and drains on SIGTERM', async () => {
    const gw = last((await check(join(deployDir, 'gateway.Dockerfile'))).result.stages);
    const health = gw.commands.find((c) => c.name === 'HEALTHCHECK')?.args ?? [];
    expect(health[0]).toBe('CMD');
    expect(health.join(' ')).toMatch(/127\.0\.0\.1:'\+\(process\.env\.PORT\|\|8787\)\+'\/healthz/);
    expect(gw.commands.find((c) => c.name === 'ENV')?.args).toEqual(expect.arrayContaining(['HOST=0.0.0.0', 'PORT=8787', 'HUB_WEB_DIR=/app/apps/web/dist']));
    expect(gw.commands.filter((c) => c.name === 'COPY' && c.from === 'build').map((c) => c.dest)).toEqual(['./apps/web/dist']);
    expect(gw.commands.find((c) => c.name === 'EXPOSE')?.args).toEqual(['8787']);

    const wk = last((await check(join(deployDir, 'worker.Dockerfile'))).result.stages);
    expect(wk.commands.filter((c) => c.name === 'COPY' && c.from === 'build').map((c) => c.dest)).toEqual([
      './node_modules/.cache/hub-workflow-bundle',
      './node_modules/.cache/hub-worker',
    ]);
    const wkEnv = wk.commands.find((c) => c.name === 'ENV')?.args ?? [];
    expect(wkEnv).toEqual(expect.arrayContaining(['HUB_METRICS_PORT=19464', 'HUB_METRICS_HOST=0.0.0.0', 'HUB_WORKER_SHUTDOWN_GRACE_MS=30000']));
    expect(wk.commands.find((c) => c.name === 'EXPOSE')?.args).toEqual(['19464']);
    expect(wk.commands.find((c) => c.name === 'HEALTHCHECK')?.args?.join(' ')).toMatch(/process\.env\.HUB_METRICS_PORT.*'\/metrics'/);
    // The build stage makes what the runtime copies: the provision steps named after their caches.
    const build = (await check(join(deployDir, 'worker.Dockerfile'))).result.stages.find((s) => s.name === 'build')!;
    expect(runs(build)).toContain('npm run provision -- --only workflow-bundle,worker-entry');
  });
});

describe('deploy-validate dockerfile (the Dockerfile validator itself)', () => {
  const original = readFileSync(join(deployDir, 'gateway.Dockerfile'), 'utf8');
  const cases: [string, (text: string) => string, RegExp, 'errors' | 'warnings'][] = [
    ['a COPY of a file that is not in the repository', (t) => t.replace('COPY apps/web/package.json apps/web/', 'COPY apps/webb/package.json apps/web/'), /source "apps\/webb\/package.json" does not exist/, 'errors'],
    ['a COPY of a path the context leaves out', (t) => t.replace('COPY package.json package-lock.json ./', 'COPY package.json package-lock.json ./\nCOPY node_modules/vitest/package.json ./'), /source "node_modules\/vitest\/package.json" is excluded/, 'errors'],
    ['a COPY --from a stage that does not exist', (t) => t.replace('COPY --from=build /app/apps/web/dist', 'COPY --from=biuld /app/apps/web/dist'), /COPY --from=biuld names no earlier stage/, 'errors'],
    ['an instruction BuildKit does not know', (t) => t.replace('WORKDIR /app\nCOPY package.json', 'WORKDIR /app\nCOPPY package.json'), /unknown instruction: COPPY/i, 'errors'],
    ['what BuildKit lints (FROM … as with a different case)', (t) => t.replace('AS build', 'as build'), /FromAsCasing/, 'warnings'],
  ];
  for (const [what, mutate, message, where] of cases) {
    it(`rejects ${what}`, async () => {
      const text = mutate(original);
      expect(text).not.toBe(original);
      const broken = writeScratch('broken.Dockerfile', text);
      const { code, result } = await check(broken, ['--dockerignore', join(deployDir, 'gateway.Dockerfile.dockerignore')]);
      expect(code).toBe(1);
      expect(result.ok).toBe(false);
      expect(result[where].join('\n')).toMatch(message);
    });
  }
});
