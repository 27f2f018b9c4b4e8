/**
 * A span per MCP tool call (`mcp.tool_call`), made in the activity with the OpenTelemetry API only: a no-op
 * when the worker's traces are off. Its parent is the `RunActivity:executeTool` span.
 *
 * Attributes: the hub's tool name (`hub.tool`), the server (`mcp.server`) and the server's own tool name
 * (`mcp.tool`) once found, and the outcome (`hub.tool.outcome`): `ok`, `tool_error` (the tool answered
 * with an error, the server refused the call, the arguments were invalid, the tool is unknown or disabled:
 * the model sees the error), `cancelled` (the activity was), `error` (no answer: connection, timeout…; with
 * an error status and the exception).
 */
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ToolResult } from '@hub/contracts';
import { isToolError } from '../errors';

const tracer = trace.getTracer('@hub/tools');

export const MCP_TOOL_SPAN = 'mcp.tool_call';

export type ToolCallOutcome = 'ok' | 'tool_error' | 'cancelled' | 'error';

/** Runs `call` in a span; `call` names the server and tool through `found` once it knows them. */
export function traceMcpCall(hubTool: string, signal: AbortSignal, call: (found: (server: string, tool: string) => void) => Promise<ToolResult>): Promise<ToolResult> {
  return tracer.startActiveSpan(MCP_TOOL_SPAN, { kind: SpanKind.CLIENT, attributes: { 'hub.tool': hubTool } }, async (span) => {
    const outcome = (o: ToolCallOutcome) => span.setAttribute('hub.tool.outcome', o);
    try {
      const result = await call((server, tool) => span.setAttributes({ 'mcp.server': server, 'mcp.tool': tool }));
      outcome(result.ok ? 'ok' : 'tool_error');
      return result;
    } catch (err) {
      if (signal.aborted) outcome('cancelled');
      else if (isToolError(err)) outcome('tool_error');
      else {
        outcome('error');
        span.recordException(err as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
      }
      throw err;
    } finally {
      span.end();
    }
  });
}
