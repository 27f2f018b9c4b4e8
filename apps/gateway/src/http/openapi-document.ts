/**
 * The last touches of the OpenAPI document that hold for every operation alike, so no route can
 * forget them: each operation states its `security` (the API key, or `[]` for the public ones),
 * and every state-changing operation documents 415, which the Host/Origin guard answers for a
 * form or text body (http/host-guard.ts) even where the route reads no body; the 200 of every
 * `/events` route names its payload schemas (http/sse-events.ts).
 */
import type { GatewayApp } from './env';
import { EVENT_STREAMS, eventStreamSchema } from './sse-events';

type OpenAPIObject = ReturnType<GatewayApp['getOpenAPI31Document']>;

export const UNSUPPORTED_MEDIA_TYPE =
  'Request body is not JSON (`unsupported_media_type`); a form or text body is refused on every state-changing route';

export function finishDocument(doc: OpenAPIObject, security: Array<Record<string, string[]>>): OpenAPIObject {
  for (const [path, ops] of Object.entries(doc.paths ?? {})) {
    const eventComponent = EVENT_STREAMS[path];
    const stream = (ops as { get?: { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> } }).get?.responses?.['200']?.content?.['text/event-stream'];
    if (eventComponent !== undefined && stream) stream.schema = eventStreamSchema(eventComponent);
    for (const [method, op] of Object.entries(ops as Record<string, Record<string, unknown>>)) {
      if (!op || typeof op !== 'object' || !('responses' in op)) continue;
      op['security'] ??= security;
      const responses = op['responses'] as Record<string, unknown>;
      if (!['get', 'head', 'options'].includes(method) && responses['415'] === undefined) {
        responses['415'] = { description: UNSUPPORTED_MEDIA_TYPE, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
      }
    }
  }
  return doc;
}
