/**
 * The last touches of the OpenAPI document that hold for every operation alike, so no route can
 * forget them: each operation states its `security` (the API key, or `[]` for the public ones),
 * and every state-changing operation documents 415, which the Host/Origin guard answers for a
 * form or text body (http/host-guard.ts) even where the route reads no body.
 */
import type { GatewayApp } from './env';

type OpenAPIObject = ReturnType<GatewayApp['getOpenAPI31Document']>;

export const UNSUPPORTED_MEDIA_TYPE =
  'Request body is not JSON (`unsupported_media_type`); a form or text body is refused on every state-changing route';

export function finishDocument(doc: OpenAPIObject, security: Array<Record<string, string[]>>): OpenAPIObject {
  for (const ops of Object.values(doc.paths ?? {})) {
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
