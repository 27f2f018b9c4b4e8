/**
 * The MCP tool call span (tools/src/mcp/tracing.ts) with a real tracer provider (@hub/runtime/telemetry) and
 * an in-memory exporter: its server, tool and outcome for each way a call ends.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { InMemorySpanExporter, startTelemetry, type ReadableSpan } from '@hub/runtime/telemetry';
import { ToolError } from '../../src/errors';
import { MCP_TOOL_SPAN, traceMcpCall } from '../../src/mcp/tracing';

const exporter = new InMemorySpanExporter();
const telemetry = startTelemetry('tools-test', { exporter });
afterAll(() => telemetry.shutdown());

async function outcomeOf(call: Parameters<typeof traceMcpCall>[2], signal = new AbortController().signal): Promise<ReadableSpan> {
  exporter.reset();
  await traceMcpCall('pinboard__list_pins', signal, call).catch(() => undefined);
  await telemetry.provider!.forceFlush();
  const exported = exporter.getFinishedSpans();
  expect(exported).toHaveLength(1);
  return exported[0]!;
}

describe('mcp.tool_call span', () => {
  it('names the server and tool and says how the call ended', async () => {
    const ok = await outcomeOf(async (found) => {
      found('pinboard', 'list_pins');
      return { ok: true, content: 'The board is empty.' };
    });
    expect(ok.name).toBe(MCP_TOOL_SPAN);
    expect(ok.attributes).toEqual({ 'hub.tool': 'pinboard__list_pins', 'mcp.server': 'pinboard', 'mcp.tool': 'list_pins', 'hub.tool.outcome': 'ok' });
    expect(ok.status.code).not.toBe(2);

    const toolError = await outcomeOf(async (found) => {
      found('pinboard', 'list_pins');
      throw new ToolError('Tool pinboard__list_pins reported an error');
    });
    expect(toolError.attributes['hub.tool.outcome']).toBe('tool_error');
    expect(toolError.status.code).not.toBe(2);

    const failed = await outcomeOf(async () => {
      throw new Error('connect ECONNREFUSED');
    });
    expect(failed.attributes).toEqual({ 'hub.tool': 'pinboard__list_pins', 'hub.tool.outcome': 'error' });
    expect(failed.status).toEqual({ code: 2, message: 'connect ECONNREFUSED' });

    const abort = new AbortController();
    const cancelled = await outcomeOf(async () => {
      abort.abort(new Error('cancelled'));
      throw new Error('cancelled');
    }, abort.signal);
    expect(cancelled.attributes['hub.tool.outcome']).toBe('cancelled');
  });
});
