/**
 * The executeTool activity's Prometheus metrics (`@hub/runtime/metrics`, the worker's registry): each attempt by
 * MCP server (`builtin` for the built-in tools), tool and outcome: `ok`, `error` (a result with `ok: false`, which
 * the model sees), `failed` (thrown: Temporal retries the attempt), `cancelled`. Server and tool names are bounded
 * labels (past 50 distinct values: `other`); no tenant.
 */
import { Context } from '@temporalio/activity';
import { MCP_TOOL_SEPARATOR, type ToolResult } from '@hub/contracts';
import { workerMetrics } from '@hub/runtime/metrics';

/** The MCP server of a tool name as the model sees it (`server__tool`), or `builtin`. */
export function toolServerOf(name: string): string {
  const i = name.indexOf(MCP_TOOL_SEPARATOR);
  return i > 0 ? name.slice(0, i) : 'builtin';
}

export function toolCallTimer(name: string): { ok(result: ToolResult): ToolResult; failed(err: unknown): unknown } {
  const started = performance.now();
  const record = (outcome: 'ok' | 'error' | 'failed' | 'cancelled') => {
    const m = workerMetrics();
    const server = m.server(toolServerOf(name));
    m.toolCalls.inc({ server, tool: m.tool(name), outcome });
    m.toolDuration.observe({ server, outcome }, (performance.now() - started) / 1000);
  };
  return {
    ok(result) {
      record(result.ok ? 'ok' : 'error');
      return result;
    },
    failed(err) {
      let cancelled = false;
      try {
        cancelled = Context.current().cancellationSignal.aborted;
      } catch {
        // outside an activity (a direct call in a test)
      }
      record(cancelled ? 'cancelled' : 'failed');
      return err;
    },
  };
}
