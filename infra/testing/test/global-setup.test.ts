import { inject } from 'vitest';
import { describe, expect, it } from 'vitest';
import { connectTemporal } from '@hub/runtime';
import { testTemporalAddress } from '../src/temporal-test-server';

describe('globalSetup test server', () => {
  it('provides a reachable Temporal address', async () => {
    const address = testTemporalAddress();
    expect(address).toBe(inject('temporalAddress'));
    const { connection, client, close } = await connectTemporal({ address, namespace: 'default' });
    try {
      const info = await connection.workflowService.getSystemInfo({});
      expect(info.capabilities?.signalAndQueryHeader).toBe(true);
      const handle = await client.workflow.start('anything', { taskQueue: 'global-setup-test', workflowId: `gs-${Date.now()}` });
      await handle.terminate('test done');
    } finally {
      await close();
    }
  });
});
