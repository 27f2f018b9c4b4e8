/**
 * Research jobs over HTTP: `/v1/research`. Each job is one `researchJob`
 * workflow (id `research/<tenant>/<id>`) that plans the question, fans out to
 * child agent workflows and synthesises a report; see research/service.ts for
 * the service and `workflows/src/research/` for the workflows.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { CreateResearchBodySchema, ResearchStateSchema } from '@hub/contracts';
import { ApiError } from '../http/errors';
import { errorResponses } from '../http/error-responses';
import { IdempotencyHeaders, idempotencyKeyOf } from '../http/idempotency';
import type { GatewayApp } from '../http/env';
import { LIST_LIMIT_DEFAULT, listQuery } from '../http/list-query';
import { createRouter, security } from '../http/router';
import { EventsHeaders, EventsQuery, resumeOffset, sseResponse, streamEvents, type SseSettings } from '../http/sse';
import type { ResearchService } from './service';

const tags = ['research'];
const notFound = 'No such research job (`research_not_found`)';

const ResearchIdParams = z.object({
  id: z
    .string()
    .regex(/^[a-zA-Z0-9_-]{1,128}$/, 'research job id may contain letters, digits, _ and -')
    .openapi({ param: { name: 'id', in: 'path' } }),
});
const ResearchAccepted = z.object({ id: z.string() }).openapi('ResearchAccepted');
const ResearchSummarySchema = z
  .object({
    id: z.string(),
    question: z.string().describe('The question (first 200 characters)'),
    status: z
      .enum(['running', 'finished', 'failed', 'terminated', 'timed_out', 'cancelled', 'unknown'])
      .describe('Workflow status; a finished job tells its outcome (completed, failed, cancelled) in GET /v1/research/{id}'),
    startTime: z.string(),
    closeTime: z.string().optional(),
  })
  .openapi('ResearchSummary');
const ResearchList = z.object({ jobs: z.array(ResearchSummarySchema) }).openapi('ResearchList');
const ListQuery = listQuery('jobs');
const CancelAccepted = z.object({ accepted: z.literal(true), id: z.string() }).openapi('ResearchCancelAccepted');

const createResearchRoute = createRoute({
  method: 'post',
  path: '/v1/research',
  tags,
  security,
  summary: 'Start a research job: the question is planned into sub-questions researched by parallel agents, then a report is written',
  request: {
    headers: IdempotencyHeaders,
    body: { required: true, content: { 'application/json': { schema: CreateResearchBodySchema.meta({ id: 'CreateResearch' }) } } },
  },
  responses: {
    202: {
      description: 'Started (a repeat with the same Idempotency-Key answers the job the first request started); follow GET /v1/research/{id} or its /events',
      content: { 'application/json': { schema: ResearchAccepted } },
    },
    ...errorResponses({ body: true, conflict: 'The Idempotency-Key was used for another request (`conflict`)' }),
  },
});
const listResearchRoute = createRoute({
  method: 'get',
  path: '/v1/research',
  tags,
  security,
  summary: 'Research jobs of the caller, newest first',
  request: { query: ListQuery },
  responses: { 200: { description: 'Jobs', content: { 'application/json': { schema: ResearchList } } }, ...errorResponses({}) },
});
const getResearchRoute = createRoute({
  method: 'get',
  path: '/v1/research/{id}',
  tags,
  security,
  summary: 'A research job: status, progress counts and percent, each agent, and the result (report, citations, findings with provenance, failures) when done',
  request: { params: ResearchIdParams },
  responses: {
    200: { description: 'The job', content: { 'application/json': { schema: ResearchStateSchema.meta({ id: 'ResearchJob' }) } } },
    ...errorResponses({ notFound }),
  },
});
const researchEventsRoute = createRoute({
  method: 'get',
  path: '/v1/research/{id}/events',
  tags,
  security,
  summary: 'Research job events as Server-Sent Events (resumable with Last-Event-ID)',
  description: [
    'Events: research.planning, research.planned, agent.started, agent.finished, agent.failed, research.progress,',
    'research.budget_exhausted, research.deadline, research.synthesizing, research.done. Each is sent as `id: <offset>`,',
    '`event: <type>`, `data: <ResearchEvent JSON>`; resume with `Last-Event-ID` (or `?from=`). When the job has already',
    'finished, one `research.done` event (without id) carries its outcome, then `stream.end`.',
  ].join(' '),
  request: { params: ResearchIdParams, query: EventsQuery, headers: EventsHeaders },
  responses: {
    200: sseResponse('text/event-stream of ResearchEvent'),
    ...errorResponses({ notFound }),
  },
});
const cancelResearchRoute = createRoute({
  method: 'post',
  path: '/v1/research/{id}/cancel',
  tags,
  security,
  summary: 'Cancel a research job: every running agent is cancelled; the job ends `cancelled` with its partial results',
  request: { params: ResearchIdParams, headers: IdempotencyHeaders },
  responses: {
    202: { description: 'Cancellation requested (a repeat with the same Idempotency-Key on a job that ended cancelled answers the same)', content: { 'application/json': { schema: CancelAccepted } } },
    ...errorResponses({ notFound, conflict: 'The job has already finished (`research_finished`)' }),
  },
});

export function researchRoutes(research: ResearchService, sse: SseSettings): GatewayApp {
  const app = createRouter();

  app.openapi(createResearchRoute, async (c) => {
    const body = c.req.valid('json');
    const { id } = await research.start(c.get('tenant'), body, idempotencyKeyOf(c));
    c.get('log').info('research job started', { researchId: id, maxAgents: body.maxAgents });
    return c.json({ id }, 202);
  });

  app.openapi(listResearchRoute, async (c) => {
    const { limit } = c.req.valid('query');
    return c.json({ jobs: await research.list(c.get('tenant'), limit ?? LIST_LIMIT_DEFAULT) }, 200);
  });

  app.openapi(getResearchRoute, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await research.get(c.get('tenant'), id), 200);
  });

  app.openapi(researchEventsRoute, async (c) => {
    const { id } = c.req.valid('param');
    const tenant = c.get('tenant');
    const fromOffset = resumeOffset(c.req.valid('query'), c.req.valid('header'));
    const status = await research.status(tenant, id);
    if (status === undefined) throw new ApiError(404, 'research_not_found', `no research job '${id}'`);
    return streamEvents(c, sse, {
      open: () => research.events(tenant, id, fromOffset),
      fromOffset,
      endReason: 'research job finished',
      closed:
        status === 'RUNNING'
          ? undefined
          : async () => {
              const final = await research.get(tenant, id);
              return {
                event: 'research.done',
                data: { type: 'research.done', status: final.status, progress: final.progress, ...(final.error ? { error: final.error } : {}) },
              };
            },
      logFields: { researchId: id },
    });
  });

  app.openapi(cancelResearchRoute, async (c) => {
    const { id } = c.req.valid('param');
    await research.cancel(c.get('tenant'), id, idempotencyKeyOf(c));
    c.get('log').info('research job cancel requested', { researchId: id });
    return c.json({ accepted: true as const, id }, 202);
  });

  return app;
}
