/**
 * Payload encryption keys from the environment: `HUB_PAYLOAD_KEYS="k2:<base64>,k1:<base64>"`.
 * Each entry is `<key id>:<base64 of 32 random bytes>` (AES-256). The FIRST key encrypts every new payload;
 * all of them decrypt, so a key rotates by putting a new one in front and keeping the old ones until no
 * history written under them is needed any more. Generate a key with `openssl rand -base64 32`.
 */
import { ConfigError } from '../config';

export const PAYLOAD_KEYS_ENV = 'HUB_PAYLOAD_KEYS';
export const KEY_ID_RE = /^[A-Za-z0-9._-]{1,64}$/;
export const KEY_BYTES = 32;

export interface PayloadKey {
  id: string;
  key: Buffer;
}

/** Parses HUB_PAYLOAD_KEYS; `[]` when unset or blank. Throws a ConfigError naming the variable (never the key). */
export function parsePayloadKeys(raw: string | undefined): PayloadKey[] {
  if (raw === undefined || raw.trim() === '') return [];
  const keys: PayloadKey[] = [];
  for (const part of raw.split(',')) {
    const entry = part.trim();
    if (entry === '') continue;
    const idx = entry.indexOf(':');
    const id = idx === -1 ? '' : entry.slice(0, idx).trim();
    if (!KEY_ID_RE.test(id)) {
      throw new ConfigError(
        `${PAYLOAD_KEYS_ENV}: every entry is <key id>:<base64 key> with an id matching ${String(KEY_ID_RE)} (e.g. k1:$(openssl rand -base64 32))`,
      );
    }
    const b64 = entry.slice(idx + 1).trim();
    const key = Buffer.from(b64, 'base64');
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(b64) || key.length !== KEY_BYTES) {
      throw new ConfigError(`${PAYLOAD_KEYS_ENV}: key ${JSON.stringify(id)} must be ${KEY_BYTES} bytes in base64 (openssl rand -base64 32)`);
    }
    if (keys.some((k) => k.id === id)) throw new ConfigError(`${PAYLOAD_KEYS_ENV}: duplicate key id ${JSON.stringify(id)}`);
    keys.push({ id, key });
  }
  if (keys.length === 0) throw new ConfigError(`${PAYLOAD_KEYS_ENV} is set but lists no keys`);
  return keys;
}
