/** Whether the gateway can serve: Temporal reachable (for `/readyz`, and to tell a 503 from a 504). */
import type { Client } from '@temporalio/client';

export interface Readiness {
  ok: boolean;
  details: Record<string, unknown>;
}

export interface OpsService {
  /** Temporal `getSystemInfo` with a 3 s deadline: its namespace and latency, or why it is unreachable. */
  readiness(): Promise<Readiness>;
  /** Whether Temporal answers a trivial call within 1 s right now (tells "unreachable" from "slow / no worker"). */
  temporalReachable(): Promise<boolean>;
}

export function createOpsService(client: Client): OpsService {
  const systemInfo = (deadlineMs: number) => client.withDeadline(Date.now() + deadlineMs, () => client.workflowService.getSystemInfo({}));
  return {
    async readiness() {
      const started = Date.now();
      try {
        await systemInfo(3_000);
        return { ok: true, details: { temporal: 'ok', namespace: client.options.namespace, latencyMs: Date.now() - started } };
      } catch (err) {
        return { ok: false, details: { temporal: 'unreachable', error: err instanceof Error ? err.message : String(err) } };
      }
    },
    async temporalReachable() {
      try {
        await systemInfo(1_000);
        return true;
      } catch {
        return false;
      }
    },
  };
}
