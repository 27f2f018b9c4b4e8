/**
 * The hub's payload encryption: one data converter for the worker, the gateway and every client the hub
 * creates. With HUB_PAYLOAD_KEYS unset, payloads are stored as they are (and `describePayloadEncryption`
 * says so for the startup logs).
 */
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec } from './encryption-codec';
import { PAYLOAD_KEYS_ENV, parsePayloadKeys } from './keys';

export { ENCRYPTED_ENCODING, EncryptionCodec, METADATA_KEY_ID } from './encryption-codec';
export { KEY_BYTES, PAYLOAD_KEYS_ENV, parsePayloadKeys, type PayloadKey } from './keys';

/** The encryption codec configured by HUB_PAYLOAD_KEYS, or undefined when no keys are set. */
export function loadPayloadCodec(env: NodeJS.ProcessEnv = process.env): EncryptionCodec | undefined {
  const keys = parsePayloadKeys(env[PAYLOAD_KEYS_ENV]);
  return keys.length > 0 ? new EncryptionCodec(keys) : undefined;
}

/**
 * The data converter for a codec (payloads encrypted; failure messages stay as they are: Temporal's failure
 * converter runs inside the workflow sandbox and is left at the SDK default). Undefined without a codec.
 */
export function hubDataConverter(codec: EncryptionCodec | undefined): DataConverter | undefined {
  return codec ? { payloadCodecs: [codec] } : undefined;
}

/** One line for startup logs and banners. */
export function describePayloadEncryption(codec: EncryptionCodec | undefined): string {
  return codec
    ? `AES-256-GCM, encrypting with key ${codec.encryptKeyId} (decrypts ${codec.keyIds.join(', ')})`
    : `off: payloads are NOT encrypted in Temporal (set ${PAYLOAD_KEYS_ENV} to encrypt them)`;
}
