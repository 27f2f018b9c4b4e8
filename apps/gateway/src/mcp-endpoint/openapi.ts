/** `/mcp` in the OpenAPI document: described, not validated (the MCP transport validates JSON-RPC itself). */
import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses } from '../http/error-responses';

export const MCP_PATH = '/mcp';

const JsonRpcRequestSchema = z
  .object({
    jsonrpc: z.literal('2.0'),
    id: z.union([z.string(), z.number()]).optional().openapi({ description: 'Absent for notifications' }),
    method: z.string().openapi({ example: 'tools/call' }),
    params: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('JsonRpcMessage', {
    description: 'A JSON-RPC 2.0 message of the Model Context Protocol (a request, notification or response)',
    example: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'chat', arguments: { message: 'What is 6*7?' } } },
  });

const JsonRpcErrorSchema = z
  .object({
    jsonrpc: z.literal('2.0'),
    id: z.union([z.string(), z.number(), z.null()]),
    error: z.object({ code: z.number().int(), message: z.string(), data: z.unknown().optional() }),
  })
  .openapi('JsonRpcError');

const jsonRpcErrorResponse = (description: string) => ({ description, content: { 'application/json': { schema: JsonRpcErrorSchema } } });

export const mcpRoute = createRoute({
  method: 'post',
  path: MCP_PATH,
  tags: ['mcp-endpoint'],
  summary: 'Model Context Protocol endpoint (Streamable HTTP, stateless)',
  description: [
    'The hub as an MCP server, for MCP clients (MCP Inspector, Cursor, Claude Desktop via mcp-remote).',
    'The body is one JSON-RPC 2.0 message of the MCP protocol (`initialize`, `tools/list`, `tools/call`, notifications).',
    'Tools: `chat` {message, sessionId?, agent?} (starts or continues a session and returns the reply; `agent` is a name',
    'or name@version), `list_agents` {} (the agents the tenant can use: name, description, version, source, handoffs, delegates),',
    '`list_sessions` {limit?}, `start_research` {question, maxAgents?} and `get_research` {id} (progress and report of a job).',
    'Stateless: no `Mcp-Session-Id`; GET and DELETE answer 405. Requests answer as `text/event-stream`',
    '(one JSON-RPC response, keep-alive comments while a turn runs) and notifications as 202.',
    'The API key selects the tenant as for the REST API. `Host` must be a loopback name or listed in',
    'HUB_ALLOWED_HOSTS, and `Origin`, when sent, the hub itself or listed in HUB_ALLOWED_ORIGINS (403 otherwise, as on every route).',
  ].join(' '),
  security: [{ bearer: [] }],
  request: {
    headers: z.object({
      accept: z.string().openapi({ param: { name: 'accept', in: 'header' }, example: 'application/json, text/event-stream' }),
      'mcp-protocol-version': z
        .string()
        .optional()
        .openapi({ param: { name: 'mcp-protocol-version', in: 'header' }, description: 'Negotiated protocol version (after initialize)' }),
    }),
    body: { required: true, description: 'A JSON-RPC message', content: { 'application/json': { schema: JsonRpcRequestSchema } } },
  },
  responses: {
    200: {
      description: 'The JSON-RPC response, as a Server-Sent Events stream: `event: message` / `data: <JSON-RPC response>`',
      content: { 'text/event-stream': { schema: z.string().openapi({ description: 'SSE stream of JSON-RPC messages' }) } },
    },
    202: { description: 'Notification or response accepted (no body)' },
    // The REST API's 401 and 413 (auth and body-limit middleware); the transport's own errors are JSON-RPC errors.
    ...errorResponses({ invalid: false, body: true, temporal: false }),
    400: jsonRpcErrorResponse('Not a valid JSON-RPC message (JSON-RPC error -32700 / -32600)'),
    403: jsonRpcErrorResponse('Host or Origin not allowed (DNS-rebinding protection)'),
    406: jsonRpcErrorResponse('Accept must list both application/json and text/event-stream'),
    415: jsonRpcErrorResponse('Content-Type must be application/json'),
  },
});
