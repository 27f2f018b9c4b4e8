/**
 * AES-256-GCM payload codec (node:crypto). An encrypted payload is
 *   metadata: { encoding: "binary/encrypted", "encryption-key-id": <key id> }
 *   data:     12-byte IV ‖ ciphertext ‖ 16-byte GCM tag, of the original Payload (protobuf-encoded),
 * with the key id as additional authenticated data, the layout of Temporal's encryption samples. Payloads that
 * are not encrypted (written before encryption was turned on) decode as they are, so a hub can turn
 * encryption on with running workflows.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, ValueError, type Payload, type PayloadCodec } from '@temporalio/common';
import protos from '@temporalio/proto';
import { PAYLOAD_KEYS_ENV, type PayloadKey } from './keys';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const METADATA_KEY_ID = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const ALGORITHM = 'aes-256-gcm';
/** The protobuf Payload message (a CommonJS package: its default export, for node's ESM loader). */
const PayloadProto = protos.temporal.api.common.v1.Payload;

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined): string => (b ? new TextDecoder().decode(b) : '');

export class EncryptionCodec implements PayloadCodec {
  private readonly byId: ReadonlyMap<string, Buffer>;
  /** The key that encrypts (the first one). */
  readonly encryptKeyId: string;
  readonly keyIds: readonly string[];

  constructor(keys: readonly PayloadKey[]) {
    const first = keys[0];
    if (!first) throw new ValueError('EncryptionCodec needs at least one key');
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
    this.encryptKeyId = first.id;
    this.keyIds = keys.map((k) => k.id);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.encrypt(p));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.decrypt(p));
  }

  private encrypt(payload: Payload): Payload {
    const key = this.byId.get(this.encryptKeyId) as Buffer;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, key, iv);
    cipher.setAAD(utf8(this.encryptKeyId));
    const plain = PayloadProto.encode(payload).finish();
    const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: { [METADATA_ENCODING_KEY]: utf8(ENCRYPTED_ENCODING), [METADATA_KEY_ID]: utf8(this.encryptKeyId) },
      data: new Uint8Array(data),
    };
  }

  private decrypt(payload: Payload): Payload {
    if (text(payload.metadata?.[METADATA_ENCODING_KEY]) !== ENCRYPTED_ENCODING) return payload;
    const keyId = text(payload.metadata?.[METADATA_KEY_ID]);
    const key = this.byId.get(keyId);
    if (!key) {
      throw new ValueError(
        `payload is encrypted with key ${JSON.stringify(keyId)}, which is not in ${PAYLOAD_KEYS_ENV} (known: ${this.keyIds.join(', ')})`,
      );
    }
    const data = payload.data ?? new Uint8Array();
    if (data.length < IV_BYTES + TAG_BYTES) throw new ValueError('encrypted payload is too short');
    const decipher = createDecipheriv(ALGORITHM, key, data.subarray(0, IV_BYTES));
    decipher.setAAD(utf8(keyId));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new ValueError(`encrypted payload (key ${JSON.stringify(keyId)}) failed authentication: wrong key or tampered data`);
    }
    return PayloadProto.decode(plain) as Payload;
  }
}
