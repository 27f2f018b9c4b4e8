/**
 * Shared Temporal server for test suites.
 *
 * In vitest.config.ts:   test: { globalSetup: ['<relative path to>/infra/testing/src/global-setup.ts'] }
 * In a test file:        import { testTemporalAddress } from '@hub/testing';
 *                        const address = testTemporalAddress();   // "127.0.0.1:PORT"
 *
 * Set TEMPORAL_TEST_ADDRESS=host:port to reuse an already running server instead of starting one.
 */
import { inject } from 'vitest';
import { startDevServer } from '@hub/dev';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
  }
}

export const TEST_ADDRESS_ENV = 'TEMPORAL_TEST_ADDRESS';

export interface TestTemporalServer {
  address: string;
  /** True when we started the server (false when TEMPORAL_TEST_ADDRESS pointed at an existing one). */
  owned: boolean;
  stop(): Promise<void>;
}

/** Reuses TEMPORAL_TEST_ADDRESS when set, else starts an in-memory, headless dev server on a free port. */
export async function startTestTemporalServer(
  opts: { log?: (msg: string) => void; env?: Record<string, string | undefined> } = {},
): Promise<TestTemporalServer> {
  const env = opts.env ?? process.env;
  const existing = env[TEST_ADDRESS_ENV]?.trim();
  if (existing) return { address: existing, owned: false, stop: async () => undefined };
  const server = await startDevServer({ headless: true, log: opts.log ?? (() => undefined) });
  return { address: server.address, owned: true, stop: () => server.stop() };
}

/** Address of the suite's Temporal server (from the globalSetup via inject(), or TEMPORAL_TEST_ADDRESS). */
export function testTemporalAddress(): string {
  let injected: string | undefined;
  try {
    injected = inject('temporalAddress');
  } catch {
    // not inside a vitest worker
  }
  const address = injected || process.env[TEST_ADDRESS_ENV]?.trim();
  if (!address) {
    throw new Error(
      'No Temporal test server: add `globalSetup: [".../infra/testing/src/global-setup.ts"]` to this package\'s ' +
        `vitest config, or set ${TEST_ADDRESS_ENV}=host:port.`,
    );
  }
  return address;
}
