import { existsSync, mkdtempSync, openSync, readFileSync, readSync, closeSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectTemporal } from '@hub/runtime';
import { DevServerDbInUseError, startDevServer, type DevServer } from '../src/temporal/dev-server';
import { findOrInstallTemporalCli } from '../src/provision/temporal-cli';

const quiet = (): void => undefined;
let cliPath: string;
const servers: DevServer[] = [];

/** SQLite's file header says WAL mode with read/write format versions 2 (bytes 18 and 19; 1 = rollback journal). */
function journalFormat(dbFile: string): [number, number] {
  const fd = openSync(dbFile, 'r');
  try {
    const header = Buffer.alloc(100);
    readSync(fd, header, 0, 100, 0);
    expect(header.subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
    return [header[18]!, header[19]!];
  } finally {
    closeSync(fd);
  }
}

const cmdline = (pid: number | undefined): string[] => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');

async function start(opts: Parameters<typeof startDevServer>[0]): Promise<DevServer> {
  const server = await startDevServer({ cliPath, log: quiet, headless: true, ...opts });
  servers.push(server);
  return server;
}

describe('startDevServer', () => {
  beforeAll(async () => {
    cliPath = (await findOrInstallTemporalCli({ log: quiet })).path;
  });

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });

  it('persists workflows in dbFile across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-devserver-'));
    const dbFile = join(dir, 'nested', 'temporal.db');
    const workflowId = `persist-${Date.now()}`;

    const first = await start({ dbFile });
    expect(first.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(first.uiUrl).toBeUndefined();
    expect(existsSync(dbFile)).toBe(true);
    expect(existsSync(`${dbFile}.lock`)).toBe(true);
    // WAL journal and synchronous=normal (DEFAULT_SQLITE_PRAGMAS): the WAL file is beside the db while it runs.
    expect(first.sqlitePragmas).toEqual({ journal_mode: 'wal', synchronous: 'normal' });
    expect(existsSync(`${dbFile}-wal`)).toBe(true);
    expect(journalFormat(dbFile)).toEqual([2, 2]);
    if (process.platform === 'linux') {
      const args = cmdline(first.process.pid);
      expect(args).toContain('journal_mode=wal');
      expect(args).toContain('synchronous=normal');
    }
    {
      const { client, close } = await connectTemporal({ address: first.address, namespace: 'default' });
      try {
        await client.workflow.start('anything', { taskQueue: 'x', workflowId });
      } finally {
        await close();
      }
    }
    await first.stop();
    expect(first.process.exitCode !== null || first.process.signalCode !== null).toBe(true);
    expect(existsSync(`${dbFile}.lock`)).toBe(false);
    await first.stop(); // idempotent

    const second = await start({ dbFile });
    expect(journalFormat(dbFile)).toEqual([2, 2]);
    const { client, close } = await connectTemporal({ address: second.address, namespace: 'default' });
    try {
      const desc = await client.workflow.getHandle(workflowId).describe();
      expect(desc.workflowId).toBe(workflowId);
      expect(desc.type).toBe('anything');
      expect(desc.status.name).toBe('RUNNING');
    } finally {
      await close();
    }
  });

  it("runs SQLite's own journal when given no pragmas", async () => {
    const dbFile = join(mkdtempSync(join(tmpdir(), 'hub-devserver-')), 'temporal.db');
    const server = await start({ dbFile, sqlitePragmas: {} });
    expect(server.sqlitePragmas).toEqual({});
    expect(journalFormat(dbFile)).toEqual([1, 1]);
    expect(existsSync(`${dbFile}-wal`)).toBe(false);
  });

  it('refuses a dbFile that a running dev server already uses', async () => {
    const dbFile = join(mkdtempSync(join(tmpdir(), 'hub-devserver-')), 'temporal.db');
    const first = await start({ dbFile });
    const err = await start({ dbFile }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DevServerDbInUseError);
    expect((err as Error).message).toContain(dbFile);
    expect((err as Error).message).toContain(`pid ${first.process.pid}`);
  });

  it('serves the web UI and creates an extra namespace when asked', async () => {
    const server = await start({ headless: false, namespace: 'hub-test' });
    expect(server.uiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(server.uiUrl ?? '');
    expect(res.status).toBe(200);
    await res.body?.cancel();
    const { connection, close } = await connectTemporal({ address: server.address, namespace: 'hub-test' });
    try {
      const ns = await connection.workflowService.describeNamespace({ namespace: 'hub-test' });
      expect(ns.namespaceInfo?.name).toBe('hub-test');
    } finally {
      await close();
    }
  });

  it('explains an occupied port', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(start({ port })).rejects.toThrow(new RegExp(`port 127\\.0\\.0\\.1:${port} is already in use by pid ${process.pid}`));
    } finally {
      blocker.close();
    }
  });
});
