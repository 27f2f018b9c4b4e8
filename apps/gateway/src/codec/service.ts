/**
 * Temporal's remote codec protocol for operators: the Temporal UI and CLI (`--codec-endpoint`) send
 * `{ payloads: [{ metadata: { <key>: <base64> }, data: <base64> }] }` (protobuf JSON of Payload) and get the
 * same shape back, encoded or decoded with the hub's payload codec (HUB_PAYLOAD_KEYS). Without keys both
 * directions return the payloads unchanged.
 */
import type { Payload } from '@temporalio/client';
import { ApiError } from '../http/errors';

export interface JsonPayload {
  metadata?: Record<string, string> | undefined;
  data?: string | undefined;
}

/** A Temporal PayloadCodec (the EncryptionCodec of @hub/runtime). */
export interface PayloadCodec {
  encode(payloads: Payload[]): Promise<Payload[]>;
  decode(payloads: Payload[]): Promise<Payload[]>;
}

const B64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

function bytes(b64: string, where: string): Uint8Array {
  if (b64.length % 4 === 1 || !B64_RE.test(b64)) throw new ApiError(400, 'invalid_request', `${where} is not base64`);
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

const b64 = (b: Uint8Array | null | undefined): string => Buffer.from(b ?? new Uint8Array()).toString('base64');

export function fromJson(p: JsonPayload, i: number): Payload {
  const metadata: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(p.metadata ?? {})) metadata[k] = bytes(v, `payloads[${i}].metadata.${k}`);
  return { metadata, data: bytes(p.data ?? '', `payloads[${i}].data`) };
}

export function toJson(p: Payload): JsonPayload {
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(p.metadata ?? {})) metadata[k] = b64(v);
  return { metadata, data: b64(p.data) };
}

export interface CodecService {
  /** Whether payloads are encrypted (keys configured). */
  readonly encrypting: boolean;
  encode(payloads: JsonPayload[]): Promise<JsonPayload[]>;
  decode(payloads: JsonPayload[]): Promise<JsonPayload[]>;
}

export function createCodecService(codec: PayloadCodec | undefined): CodecService {
  const run = async (payloads: JsonPayload[], op: 'encode' | 'decode'): Promise<JsonPayload[]> => {
    const input = payloads.map(fromJson);
    if (!codec) return input.map(toJson);
    try {
      return (await codec[op](input)).map(toJson);
    } catch (err) {
      throw new ApiError(400, 'invalid_request', `cannot ${op} payloads: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  return {
    encrypting: codec !== undefined,
    encode: (p) => run(p, 'encode'),
    decode: (p) => run(p, 'decode'),
  };
}
