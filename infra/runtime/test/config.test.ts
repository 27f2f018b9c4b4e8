import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectionOptions } from '../src/temporal-connection';
import { ConfigError, hubDataDir, loadTemporalConfig, repoRoot } from '../src/config';

describe('loadTemporalConfig', () => {
  it('has defaults', () => {
    expect(loadTemporalConfig({})).toEqual({ namespace: 'default', taskQueue: 'agent-hub' });
  });

  it('reads address, namespace, task queue', () => {
    const cfg = loadTemporalConfig({ TEMPORAL_ADDRESS: '127.0.0.1:7233', TEMPORAL_NAMESPACE: 'ns', HUB_TASK_QUEUE: 'q' });
    expect(cfg).toEqual({ address: '127.0.0.1:7233', namespace: 'ns', taskQueue: 'q' });
    expect(connectionOptions(cfg)).toEqual({ address: '127.0.0.1:7233' });
  });

  it('rejects URL-style addresses', () => {
    expect(() => loadTemporalConfig({ TEMPORAL_ADDRESS: 'http://localhost:7233' })).toThrow(ConfigError);
  });

  it('enables TLS with an API key, or with TEMPORAL_TLS', () => {
    const cloud = loadTemporalConfig({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY: 'k' });
    expect(cloud.tls).toEqual({});
    expect(connectionOptions(cloud)).toEqual({ address: 'ns.acct.tmprl.cloud:7233', tls: {}, apiKey: 'k' });
    expect(loadTemporalConfig({ TEMPORAL_TLS: 'true' }).tls).toEqual({});
    expect(loadTemporalConfig({ TEMPORAL_TLS: '0', TEMPORAL_API_KEY: 'k' }).tls).toBeUndefined();
    expect(() => loadTemporalConfig({ TEMPORAL_TLS: 'maybe' })).toThrow(/TEMPORAL_TLS/);
  });

  it('reads CA and client certificate files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-config-'));
    for (const f of ['ca.pem', 'crt.pem', 'key.pem']) writeFileSync(join(dir, f), `--${f}--`);
    const cfg = loadTemporalConfig({
      TEMPORAL_TLS_CA: join(dir, 'ca.pem'),
      TEMPORAL_TLS_CERT: join(dir, 'crt.pem'),
      TEMPORAL_TLS_KEY: join(dir, 'key.pem'),
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
    });
    expect(cfg.tls?.serverNameOverride).toBe('temporal.internal');
    expect(cfg.tls?.serverRootCACertificate?.toString()).toBe('--ca.pem--');
    expect(cfg.tls?.clientCertPair?.crt.toString()).toBe('--crt.pem--');
    expect(cfg.tls?.clientCertPair?.key.toString()).toBe('--key.pem--');
  });

  it('explains missing/unreadable TLS files', () => {
    expect(() => loadTemporalConfig({ TEMPORAL_TLS_CERT: '/x.pem' })).toThrow(/TEMPORAL_TLS_KEY/);
    expect(() => loadTemporalConfig({ TEMPORAL_TLS_CA: '/nonexistent/ca.pem' })).toThrow(/TEMPORAL_TLS_CA=\/nonexistent\/ca.pem/);
  });
});

describe('hubDataDir', () => {
  it('defaults to <repo root>/.hub and honours HUB_DATA_DIR', () => {
    const root = repoRoot();
    expect(resolve(root, 'infra', 'runtime')).toBe(resolve(import.meta.dirname, '..'));
    expect(hubDataDir({})).toBe(join(root, '.hub'));
    expect(hubDataDir({ HUB_DATA_DIR: '/tmp/some-hub' })).toBe('/tmp/some-hub');
  });
});
