/**
 * A real A2A agent for the remote-agent tests: the SDK's own server
 * (`DefaultRequestHandler` + `JsonRpcTransportHandler`, in-memory task store)
 * over node:http on 127.0.0.1, serving its card at
 * `/.well-known/agent-card.json` and JSON-RPC at `/rpc`. Each task answers
 * `echo: <text>` after `delayMs`; the server records every message it
 * received (id and text) and the headers of every request.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AgentCard, type Task } from '@a2a-js/sdk';
import {
  AgentEvent,
  DefaultRequestHandler,
  InMemoryTaskStore,
  JsonRpcTransportHandler,
  ServerCallContext,
  type AgentExecutor,
} from '@a2a-js/sdk/server';

export interface FixtureAgent {
  url: string;
  cardUrl: string;
  /** Messages received (SendMessage), in order. */
  messages: { messageId: string; text: string }[];
  /** JSON-RPC methods called, in order (`SendMessage`, `GetTask`, `CancelTask`, …). */
  rpcMethods: string[];
  /** Headers of every request (lower-case names). */
  requests: { method: string; path: string; headers: http.IncomingHttpHeaders }[];
  /** How long a task works before it completes (ms); settable per test. */
  delayMs: number;
  /** The answer of a task, from its text (default `echo: <text>`); `fail: true` ends the task failed. */
  answer: (text: string) => { text: string; fail?: boolean };
  close(): Promise<void>;
}

const textPart = (value: string) => ({ content: { $case: 'text' as const, value }, metadata: undefined, filename: '', mediaType: 'text/plain' });

export async function startFixtureAgent(opts: { name?: string; cardOverride?: (card: Record<string, unknown>) => unknown } = {}): Promise<FixtureAgent> {
  const state: FixtureAgent = {
    url: '',
    cardUrl: '',
    messages: [],
    rpcMethods: [],
    requests: [],
    delayMs: 50,
    answer: (text) => ({ text: `echo: ${text}` }),
    close: async () => undefined,
  };
  const executor: AgentExecutor = {
    async execute(ctx, bus) {
      const text = ctx.userMessage.parts.map((p) => (p.content?.$case === 'text' ? p.content.value : '')).join('');
      state.messages.push({ messageId: ctx.userMessage.messageId, text });
      const base = { id: ctx.taskId, contextId: ctx.contextId, artifacts: [], history: [ctx.userMessage], metadata: undefined };
      const task: Task = { ...base, status: { state: 1, message: undefined, timestamp: new Date().toISOString() } };
      bus.publish(AgentEvent.task(task));
      bus.publish(AgentEvent.statusUpdate({ taskId: ctx.taskId, contextId: ctx.contextId, status: { state: 2, message: undefined, timestamp: new Date().toISOString() }, metadata: undefined }));
      await new Promise((r) => setTimeout(r, state.delayMs));
      const answer = state.answer(text);
      const message = { messageId: `${ctx.taskId}-answer`, contextId: ctx.contextId, taskId: ctx.taskId, role: 2, parts: [textPart(answer.text)], metadata: undefined, extensions: [], referenceTaskIds: [] };
      bus.publish(
        AgentEvent.statusUpdate({
          taskId: ctx.taskId,
          contextId: ctx.contextId,
          status: { state: answer.fail ? 4 : 3, message, timestamp: new Date().toISOString() },
          metadata: undefined,
        }),
      );
      bus.finished();
    },
    async cancelTask(taskId, bus) {
      bus.publish(AgentEvent.statusUpdate({ taskId, contextId: '', status: { state: 5, message: undefined, timestamp: new Date().toISOString() }, metadata: undefined }));
      bus.finished();
    },
  };

  const ref: { card?: AgentCard; rpc?: JsonRpcTransportHandler } = {};

  const server = http.createServer((req, res) => {
    state.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        if (req.method === 'GET' && req.url === '/.well-known/agent-card.json') {
          const json = AgentCard.toJSON(ref.card!) as Record<string, unknown>;
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(opts.cardOverride ? opts.cardOverride(json) : json));
          return;
        }
        if (req.method === 'POST' && req.url === '/rpc') {
          const body = Buffer.concat(chunks).toString('utf8');
          state.rpcMethods.push(String((JSON.parse(body) as { method?: unknown }).method));
          const out = await ref.rpc!.handle(body, new ServerCallContext());
          if (Symbol.asyncIterator in out) {
            res.writeHead(200, { 'content-type': 'text/event-stream' });
            for await (const ev of out) res.write(`data: ${JSON.stringify(ev)}\n\n`);
            res.end();
            return;
          }
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(out));
          return;
        }
        res.writeHead(404).end();
      })().catch((err: unknown) => res.writeHead(500).end(String(err)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const card: AgentCard = {
    name: opts.name ?? 'Echo agent',
    description: 'Answers every task with an echo.',
    supportedInterfaces: [{ url: `${base}/rpc`, protocolBinding: 'JSONRPC', tenant: '', protocolVersion: '1.0' }],
    provider: undefined,
    version: '1.2.3',
    capabilities: { streaming: true, extensions: [] },
    securitySchemes: {},
    securityRequirements: [],
    defaultInputModes: ['text/plain'],
    defaultOutputModes: ['text/plain'],
    skills: [{ id: 'echo', name: 'Echo', description: 'Says it back', tags: [], examples: [], inputModes: [], outputModes: [], securityRequirements: [] }],
    signatures: [],
  };
  ref.card = card;
  ref.rpc = new JsonRpcTransportHandler(new DefaultRequestHandler(card, new InMemoryTaskStore(), executor));
  state.url = `${base}/rpc`;
  state.cardUrl = `${base}/.well-known/agent-card.json`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
