/**
 * `POST /codec/encode` and `POST /codec/decode`: the hub's payload codec as a Temporal remote codec server, so
 * an operator's Temporal UI ("Codec Server" setting) or CLI (`temporal workflow show --codec-endpoint
 * http://127.0.0.1:8787/codec --codec-auth "Bearer <key>"`) can read encrypted histories. Behind the API key
 * like every /v1 route. CORS for the origins in HUB_CODEC_CORS_ORIGINS (the embedded Temporal UI's, set by
 * `npm start` when it runs the UI), since the UI calls the endpoint from the browser.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { loadPayloadCodec } from '@hub/runtime';
import { cors } from 'hono/cors';
import { errorResponses } from '../http/error-responses';
import type { GatewayApp } from '../http/env';
import { createRouter, jsonBody, security } from '../http/router';
import { createCodecService, type CodecService } from './service';

const PayloadJson = z
  .object({
    metadata: z.record(z.string(), z.string()).optional().describe('Metadata values, base64'),
    data: z.string().optional().describe('Payload bytes, base64'),
  })
  .openapi('CodecPayload');
const CodecBody = z.object({ payloads: z.array(PayloadJson).max(10_000) }).openapi('CodecPayloads');
const NamespaceHeader = z.object({
  'x-namespace': z.string().max(256).optional().openapi({ description: 'Sent by the Temporal UI/CLI; one codec serves every namespace' }),
});

const codecRoute = (op: 'encode' | 'decode', summary: string) =>
  createRoute({
    method: 'post',
    path: `/codec/${op}`,
    tags: ['codec'],
    summary,
    security,
    request: { headers: NamespaceHeader, body: jsonBody(CodecBody, 'Payloads in protobuf JSON (Temporal remote codec protocol)') },
    responses: {
      200: { description: `The payloads, ${op}d`, content: { 'application/json': { schema: CodecBody } } },
      ...errorResponses({ body: true, temporal: false, invalid: 'Not payloads, or a payload that cannot be decoded (unknown key id, tampered) (`invalid_request`)' }),
    },
  });

const encodeRoute = codecRoute('encode', 'Encrypt payloads with the hub payload codec (Temporal remote codec server)');
const decodeRoute = codecRoute('decode', 'Decrypt payloads with the hub payload codec (Temporal remote codec server)');

/** The origins allowed to call /codec from a browser: HUB_CODEC_CORS_ORIGINS, comma-separated. */
export function codecCorsOrigins(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env['HUB_CODEC_CORS_ORIGINS'] ?? '')
    .split(',')
    .map((o) => o.trim().replace(/\/+$/, ''))
    .filter((o) => o !== '');
}

export function codecRoutes(
  service: CodecService = createCodecService(loadPayloadCodec(process.env)),
  opts: { corsOrigins?: string[] } = {},
): GatewayApp {
  const app = createRouter();
  const origins = opts.corsOrigins ?? codecCorsOrigins();
  if (origins.length > 0) {
    app.use(
      '/codec/*',
      cors({
        origin: origins,
        allowMethods: ['POST', 'OPTIONS'],
        allowHeaders: ['content-type', 'x-namespace', 'authorization'],
        credentials: true,
        maxAge: 600,
      }),
    );
  }
  app.openapi(encodeRoute, async (c) => c.json({ payloads: await service.encode(c.req.valid('json').payloads) }, 200));
  app.openapi(decodeRoute, async (c) => c.json({ payloads: await service.decode(c.req.valid('json').payloads) }, 200));
  return app;
}
