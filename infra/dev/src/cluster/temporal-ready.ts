/**
 * Waiting for the cluster's Temporal server and registering its namespace: the frontend answers
 * GetSystemInfo, then the namespace is registered if it does not exist (RegisterNamespace, the call
 * `temporal operator namespace create` makes), then a namespace-scoped call (a one-row visibility list)
 * succeeds, so workers and gateways find it at once.
 */
import { Connection } from '@temporalio/client';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Namespace retention of closed workflows (the Temporal CLI's default for a new namespace is 72 h too). */
export const NAMESPACE_RETENTION_SECONDS = 72 * 3600;

type RetentionSeconds = NonNullable<NonNullable<Parameters<Connection['workflowService']['registerNamespace']>[0]['workflowExecutionRetentionPeriod']>['seconds']>;

function grpcCode(err: unknown): number | undefined {
  return (err as { code?: number }).code;
}

export async function waitForTemporal(p: {
  address: string;
  namespace: string;
  timeoutMs: number;
  /** True once the server process is gone (stop waiting). */
  dead: () => boolean;
  log: (msg: string) => void;
}): Promise<{ registered: boolean }> {
  const deadline = Date.now() + p.timeoutMs;
  let last = 'no attempt yet';
  let registered = false;
  while (Date.now() < deadline && !p.dead()) {
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address: p.address, connectTimeout: 2_000 });
      const svc = connection.workflowService;
      await svc.getSystemInfo({});
      try {
        await svc.describeNamespace({ namespace: p.namespace });
      } catch (err) {
        if (grpcCode(err) !== 5) throw err; // 5 = NOT_FOUND
        await svc.registerNamespace({
          namespace: p.namespace,
          description: 'the agent hub (npm run cluster)',
          // protobufjs takes a plain number for an int64 field; the generated type says Long.
          workflowExecutionRetentionPeriod: { seconds: NAMESPACE_RETENTION_SECONDS as unknown as RetentionSeconds },
        });
        registered = true;
        p.log(`registered namespace ${p.namespace} (retention ${NAMESPACE_RETENTION_SECONDS / 3600} h)`);
      }
      await svc.listWorkflowExecutions({ namespace: p.namespace, pageSize: 1 });
      return { registered };
    } catch (err) {
      last = (err as Error).message;
    } finally {
      await connection?.close().catch(() => undefined);
    }
    await sleep(500);
  }
  if (p.dead()) throw new Error(`the Temporal server exited while starting (last error: ${last})`);
  throw new Error(`the Temporal server on ${p.address} was not serving after ${p.timeoutMs / 1000} s (last error: ${last})`);
}
