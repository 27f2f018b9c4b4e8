/**
 * TEST FIXTURE — an OTLP/HTTP traces receiver: what a collector is to the hub's services, in a test.
 *
 *   const otlp = await startOtlpReceiver();
 *   env.OTEL_EXPORTER_OTLP_ENDPOINT = otlp.url;        // http://127.0.0.1:PORT (the exporter adds /v1/traces)
 *   ... run the services ...
 *   const spans = await otlp.waitFor((all) => all.some((s) => s.name === 'llm.call'));
 *   await otlp.close();
 *
 * A plain node:http server on 127.0.0.1 (port 0) taking `POST /v1/traces`. The services' exporter
 * (@opentelemetry/exporter-trace-otlp-http 0.57) sends OTLP's JSON encoding (`Content-Type:
 * application/json`; ids as hex strings); a protobuf body (`application/x-protobuf`) is refused with 415,
 * so a change of encoding fails a test instead of passing it with nothing decoded. Gzip bodies are inflated.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** A span as received, flattened: its resource's service.name and its attributes as plain values. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: number;
  service: string;
  scope: string;
  attributes: Record<string, string | number | boolean | undefined>;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  status: { code: number; message?: string };
  events: { name: string; attributes: Record<string, string | number | boolean | undefined> }[];
}

export interface OtlpReceiver {
  /** The base URL for OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string;
  spans(): ReceivedSpan[];
  /** How many export requests came in. */
  requests(): number;
  /** Resolves with every span received once `done` holds for them (bounded by `timeoutMs`). */
  waitFor(done: (spans: ReceivedSpan[]) => boolean, timeoutMs?: number): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

type AnyValue = { stringValue?: string; intValue?: number | string; doubleValue?: number; boolValue?: boolean };
type KeyValue = { key: string; value?: AnyValue };
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  attributes?: KeyValue[];
  status?: { code?: number; message?: string };
  events?: { name: string; attributes?: KeyValue[] }[];
}
interface ExportRequest {
  resourceSpans?: { resource?: { attributes?: KeyValue[] }; scopeSpans?: { scope?: { name?: string }; spans?: OtlpSpan[] }[] }[];
}

const valueOf = (v: AnyValue | undefined): string | number | boolean | undefined => {
  if (!v) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  return v.boolValue;
};
const attrs = (kvs: KeyValue[] | undefined) => Object.fromEntries((kvs ?? []).map((kv) => [kv.key, valueOf(kv.value)]));
/** Ids are hex in OTLP/JSON; base64 (protobuf's JSON mapping) is turned into hex too. */
const hexId = (id: string | undefined): string | undefined => {
  if (!id) return undefined;
  return /^[0-9a-f]+$/i.test(id) ? id.toLowerCase() : Buffer.from(id, 'base64').toString('hex');
};

/** The spans of one OTLP/JSON export request body. */
export function decodeOtlpJson(body: ExportRequest): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rs of body.resourceSpans ?? []) {
    const service = String(attrs(rs.resource?.attributes)['service.name'] ?? '');
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        out.push({
          traceId: hexId(s.traceId)!,
          spanId: hexId(s.spanId)!,
          parentSpanId: hexId(s.parentSpanId),
          name: s.name,
          kind: s.kind ?? 0,
          service,
          scope: ss.scope?.name ?? '',
          attributes: attrs(s.attributes),
          status: { code: s.status?.code ?? 0, ...(s.status?.message ? { message: s.status.message } : {}) },
          events: (s.events ?? []).map((e) => ({ name: e.name, attributes: attrs(e.attributes) })),
        });
      }
    }
  }
  return out;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks);
  return req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const received: ReceivedSpan[] = [];
  let requests = 0;
  const server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      const type = String(req.headers['content-type'] ?? '');
      const body = await readBody(req);
      if (!type.startsWith('application/json')) {
        res.writeHead(415, { 'content-type': 'text/plain' }).end(`expected OTLP/JSON, got ${type}`);
        return;
      }
      requests += 1;
      received.push(...decodeOtlpJson(JSON.parse(body.toString('utf8')) as ExportRequest));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    })().catch(() => res.writeHead(400).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans: () => [...received],
    requests: () => requests,
    async waitFor(done, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!done(received)) {
        if (Date.now() > deadline) throw new Error(`OTLP receiver: condition not met after ${timeoutMs} ms; spans: ${received.map((s) => s.name).join(', ')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      return [...received];
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
