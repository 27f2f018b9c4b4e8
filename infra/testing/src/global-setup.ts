/**
 * vitest globalSetup: provides a Temporal server to every test file of the package.
 *   - TEMPORAL_TEST_ADDRESS set: use that server.
 *   - otherwise: provision the Temporal CLI and start an in-memory headless dev server on a free port.
 * The address is available through `inject('temporalAddress')` / `testTemporalAddress()` and
 * process.env.TEMPORAL_TEST_ADDRESS. The server is stopped in teardown.
 */
import type { TestProject } from 'vitest/node';
import { startTestTemporalServer, TEST_ADDRESS_ENV } from './temporal-test-server';

export default async function setup(project: Pick<TestProject, 'provide'>): Promise<() => Promise<void>> {
  const server = await startTestTemporalServer({ log: (msg) => process.stderr.write(`[temporal-test-server] ${msg}\n`) });
  const previous = process.env[TEST_ADDRESS_ENV];
  process.env[TEST_ADDRESS_ENV] = server.address;
  project.provide('temporalAddress', server.address);
  return async () => {
    await server.stop();
    if (previous === undefined) delete process.env[TEST_ADDRESS_ENV];
    else process.env[TEST_ADDRESS_ENV] = previous;
  };
}
