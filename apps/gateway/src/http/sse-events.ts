/**
 * The payloads of the `/events` routes in the OpenAPI document: each SSE message is
 * `id: <offset>`, `event: <type>`, `data: <JSON>`, and `data` is one of the resource's events
 * (SessionEvent, ResearchEvent, TaskEvent of @hub/contracts) or one of the stream's own frames
 * (http/sse.ts): `stream.end`, `stream.error`, `stream.truncated`. The 200 of every events route
 * gets a `contentSchema` listing them (JSON Schema's schema of a string's content, valid in 3.1).
 */
import { z } from '@hono/zod-openapi';
import { ResearchEventSchema, SessionEventSchema, TaskEventSchema } from '@hub/contracts';
import type { GatewayApp } from './env';

export const StreamEndSchema = z.object({ reason: z.string() }).openapi('StreamEnd', { description: '`event: stream.end`: the stream is over (reconnect with Last-Event-ID after a shutdown)' });
export const StreamErrorSchema = z
  .object({ code: z.string(), message: z.string(), nextOffset: z.number().int().nonnegative() })
  .openapi('StreamError', { description: '`event: stream.error`: the subscription failed; resume from nextOffset' });
export const StreamTruncatedSchema = z
  .object({ message: z.string(), requestedOffset: z.number().int().nonnegative(), resumedAt: z.number().int().nonnegative() })
  .openapi('StreamTruncated', { description: '`event: stream.truncated`: events before resumedAt are no longer retained' });

/** The events route paths and the component naming their resource's event. */
export const EVENT_STREAMS: Record<string, string> = {
  '/v1/sessions/{id}/events': 'SessionEvent',
  '/v1/research/{id}/events': 'ResearchEvent',
  '/v1/tasks/{id}/events': 'TaskEvent',
};

// Named once (zod's registry refuses an id given twice).
const SessionEventComponent = SessionEventSchema.meta({ id: 'SessionEvent' });
const ResearchEventComponent = ResearchEventSchema.meta({ id: 'ResearchEvent' });
const TaskEventComponent = TaskEventSchema.meta({ id: 'TaskEvent' });

/** Registers the event schemas as components of `app`'s document. */
export function registerEventSchemas(app: GatewayApp): void {
  app.openAPIRegistry.register('SessionEvent', SessionEventComponent);
  app.openAPIRegistry.register('ResearchEvent', ResearchEventComponent);
  app.openAPIRegistry.register('TaskEvent', TaskEventComponent);
  app.openAPIRegistry.register('StreamEnd', StreamEndSchema);
  app.openAPIRegistry.register('StreamError', StreamErrorSchema);
  app.openAPIRegistry.register('StreamTruncated', StreamTruncatedSchema);
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** The `text/event-stream` schema of an events route whose items are `eventComponent`. */
export function eventStreamSchema(eventComponent: string): Record<string, unknown> {
  return {
    type: 'string',
    description: `Server-Sent Events: \`id: <offset>\`, \`event: <type>\`, \`data: <JSON>\`; data is a ${eventComponent} (event = its type) or a stream frame (stream.end, stream.error, stream.truncated)`,
    contentMediaType: 'text/event-stream',
    contentSchema: { oneOf: [ref(eventComponent), ref('StreamEnd'), ref('StreamError'), ref('StreamTruncated')] },
  };
}
