/**
 * The workflows must bundle for Temporal's sandbox: the bundler rejects Node
 * built-ins and other disallowed modules, so this fails the moment workflow
 * code (or anything it imports at runtime) reaches for one. It also guards
 * what the bundle carries: module scope runs again for every workflow run, so
 * only the zod-free `wire` halves of the contracts belong in it (the API
 * schemas cost ~10 ms per run and are never needed inside a workflow), and of
 * zod only what the validators use.
 */
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_TYPES } from '@hub/contracts';

const require = createRequire(import.meta.url);
const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };
const bundle = (workflowsPath: string) => bundleWorkflowCode({ workflowsPath, logger: silent }).then((b) => b.code);
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** The contract modules a bundle carries, e.g. `session/wire`. */
function contractModules(code: string): string[] {
  return [...new Set([...code.matchAll(/contracts\/src\/([a-z0-9-]+(?:\/[a-z0-9-]+)?)\.ts/g)].map((m) => m[1]!))].sort();
}
/** What the bundle must not carry: contract modules other than `<domain>/wire`, and zod's other locales (the whole of zod). */
function forbiddenModules(code: string): string[] {
  const zodExtras = [...new Set([...code.matchAll(/zod\/v4\/locales\/([a-zA-Z-]+)\.js/g)].map((m) => `zod/locales/${m[1]}`))].filter(
    (m) => m !== 'zod/locales/en',
  );
  return [...contractModules(code).filter((m) => !/^[a-z0-9-]+\/wire$/.test(m)), ...zodExtras];
}

describe('workflow bundle', () => {
  let code: string;
  beforeAll(async () => {
    code = await bundle(require.resolve('@hub/workflows'));
  }, 60_000);

  it('bundles every hub workflow without disallowed modules', () => {
    // The stream and contracts code is inside the bundle; no client or worker code is.
    expect(code).toContain('__temporal_workflow_stream_poll');
    expect(code).not.toContain('@temporalio/client/lib/connection');
    for (const name of Object.values(WORKFLOW_TYPES)) expect(code).toContain(name);
  });

  it('carries only the wire halves of the contracts, and of zod only what the validators use', () => {
    expect(contractModules(code)).toEqual([
      'a2a/wire',
      'agent-registry/wire',
      'agent/wire',
      'budget/wire',
      'common/wire',
      'delegation/wire',
      'mcp/wire',
      'metrics/wire',
      'models/wire',
      'research/wire',
      'session/wire',
      'task/wire',
    ]);
    expect(forbiddenModules(code)).toEqual([]);
    expect(code).toContain('zod/v4/locales/en.js');
  });

  it('the module guard sees a schemas module that workflow code imports, and the whole of zod with it (negative control)', async () => {
    const found = forbiddenModules(await bundle(fixture('schemas-import.workflow.ts')));
    expect(found).toEqual(expect.arrayContaining(['session/schemas', 'agent/schemas', 'research/schemas']));
    expect(found.filter((m) => m.startsWith('zod/locales/')).length).toBeGreaterThan(10);
  }, 60_000);

  it('fails on a workflow that imports a forbidden module (negative control)', async () => {
    await expect(bundle(fixture('forbidden-import.workflow.ts'))).rejects.toThrow(/disallowed modules/);
  });
});

describe('workflow bundle with the telemetry interceptors (as the worker builds it)', () => {
  it('carries OpenTelemetry\'s workflow interceptors and trace SDK, and none of its Node parts or exporters', async () => {
    const interceptors = fileURLToPath(new URL('../src/telemetry-interceptors.ts', import.meta.url));
    const code = await bundleWorkflowCode({ workflowsPath: require.resolve('@hub/workflows'), workflowInterceptorModules: [interceptors], logger: silent }).then((b) => b.code);
    expect(code).toContain('OpenTelemetryInboundInterceptor');
    expect(code).toContain('__hubRunInUpdateTrace');
    // The sandbox gets the API, the base SDK (browser build) and the interceptors' workflow half, nothing Node.
    expect(code).toContain('@opentelemetry/sdk-trace-base');
    expect(code).not.toContain('@opentelemetry/sdk-trace-node');
    expect(code).not.toContain('@opentelemetry/exporter-trace-otlp-http');
    expect(code).not.toContain('@opentelemetry/context-async-hooks');
    expect(code).not.toContain('interceptors-opentelemetry/lib/worker');
    expect(code).not.toContain('@temporalio/client/lib/connection');
    expect(forbiddenModules(code)).toEqual([]);
  }, 60_000);
});
