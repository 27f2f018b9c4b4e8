import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import {
  ENCRYPTED_ENCODING,
  EncryptionCodec,
  METADATA_KEY_ID,
  describePayloadEncryption,
  hubDataConverter,
  loadPayloadCodec,
  parsePayloadKeys,
} from '../src/codec';

const key = (): string => randomBytes(32).toString('base64');
const text = (b: Uint8Array | null | undefined): string => new TextDecoder().decode(b ?? new Uint8Array());
const secretPayload = (): Payload => defaultPayloadConverter.toPayload({ headers: { Authorization: 'Bearer s3cret-token' } });

describe('payload keys (HUB_PAYLOAD_KEYS)', () => {
  it('parses id:base64 entries, first one encrypts', () => {
    const [k2, k1] = [key(), key()];
    const keys = parsePayloadKeys(` k2:${k2} , k1:${k1} `);
    expect(keys.map((k) => k.id)).toEqual(['k2', 'k1']);
    expect(keys[0]?.key.length).toBe(32);
    expect(parsePayloadKeys(undefined)).toEqual([]);
    expect(parsePayloadKeys('  ')).toEqual([]);
  });

  it('refuses malformed entries without echoing the key', () => {
    const short = randomBytes(16).toString('base64');
    expect(() => parsePayloadKeys(`k1:${short}`)).toThrow(/k1.*32 bytes/);
    expect(() => parsePayloadKeys(`k1:${short}`)).not.toThrow(new RegExp(short.replace(/[+/=]/g, '.')));
    expect(() => parsePayloadKeys(key())).toThrow(/<key id>:<base64 key>/);
    const k = key();
    expect(() => parsePayloadKeys(`k1:${k},k1:${k}`)).toThrow(/duplicate key id "k1"/);
    expect(() => parsePayloadKeys(',')).toThrow(/lists no keys/);
  });
});

describe('EncryptionCodec', () => {
  it('encrypts with the first key and round-trips', async () => {
    const codec = new EncryptionCodec(parsePayloadKeys(`k2:${key()},k1:${key()}`));
    const [enc] = await codec.encode([secretPayload()]);
    expect(text(enc?.metadata?.['encoding'])).toBe(ENCRYPTED_ENCODING);
    expect(text(enc?.metadata?.[METADATA_KEY_ID])).toBe('k2');
    expect(Buffer.from(enc?.data ?? []).toString('latin1')).not.toContain('s3cret-token');
    const [dec] = await codec.decode([enc as Payload]);
    expect(defaultPayloadConverter.fromPayload(dec as Payload)).toEqual({ headers: { Authorization: 'Bearer s3cret-token' } });
  });

  it('rotation: a payload written under the old key decodes with the new key list', async () => {
    const [k1, k2] = [key(), key()];
    const before = new EncryptionCodec(parsePayloadKeys(`k1:${k1}`));
    const after = new EncryptionCodec(parsePayloadKeys(`k2:${k2},k1:${k1}`));
    const [old] = await before.encode([secretPayload()]);
    const [dec] = await after.decode([old as Payload]);
    expect(defaultPayloadConverter.fromPayload(dec as Payload)).toEqual({ headers: { Authorization: 'Bearer s3cret-token' } });
    const [fresh] = await after.encode([secretPayload()]);
    expect(text(fresh?.metadata?.[METADATA_KEY_ID])).toBe('k2');
    // Dropping the old key too early is a clear error, not garbage.
    await expect(new EncryptionCodec(parsePayloadKeys(`k2:${k2}`)).decode([old as Payload])).rejects.toThrow(
      /encrypted with key "k1", which is not in HUB_PAYLOAD_KEYS \(known: k2\)/,
    );
  });

  it('refuses tampered data and a swapped key id; passes unencrypted payloads through', async () => {
    const codec = new EncryptionCodec(parsePayloadKeys(`a:${key()},b:${key()}`));
    const [enc] = (await codec.encode([secretPayload()])) as [Payload];
    const flipped = new Uint8Array(enc.data as Uint8Array);
    flipped[20] = (flipped[20] ?? 0) ^ 1;
    await expect(codec.decode([{ ...enc, data: flipped }])).rejects.toThrow(/failed authentication/);
    const swapped = { ...enc, metadata: { ...enc.metadata, [METADATA_KEY_ID]: new TextEncoder().encode('b') } };
    await expect(codec.decode([swapped])).rejects.toThrow(/failed authentication/);
    const plain = secretPayload();
    expect(await codec.decode([plain])).toEqual([plain]);
  });

  it('from the environment: no keys → no codec, and the log line says payloads are not encrypted', () => {
    expect(loadPayloadCodec({})).toBeUndefined();
    expect(hubDataConverter(undefined)).toBeUndefined();
    expect(describePayloadEncryption(undefined)).toMatch(/NOT encrypted.*HUB_PAYLOAD_KEYS/);
    const codec = loadPayloadCodec({ HUB_PAYLOAD_KEYS: `k9:${key()}` });
    expect(codec?.encryptKeyId).toBe('k9');
    expect(hubDataConverter(codec)?.payloadCodecs).toEqual([codec]);
    expect(describePayloadEncryption(codec)).toMatch(/AES-256-GCM.*k9/);
  });
});
