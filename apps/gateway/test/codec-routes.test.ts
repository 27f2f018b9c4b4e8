/** /codec/{encode,decode} (Temporal's remote codec protocol): auth, CORS for the UI origin, round trip. */
import { randomBytes } from 'node:crypto';
import { EncryptionCodec, parsePayloadKeys } from '@hub/runtime';
import { describe, expect, it } from 'vitest';
import { createCodecService } from '../src/codec/service';
import { codecRoutes } from '../src/codec/routes';
import { handleErrors } from '../src/http/error-handler';
import { createRouter } from '../src/http/router';
import { parseApiKeys } from '../src/http/auth';
import { json, makeStubApp, memoryLogger, post } from './helpers';

const UI = 'http://127.0.0.1:8233';
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const plain = { metadata: { encoding: b64('json/plain') }, data: b64('{"authorization":"Bearer s3cret"}') };

function codecApp(keys = `k1:${randomBytes(32).toString('base64')}`) {
  const app = createRouter();
  handleErrors(app, { log: memoryLogger(), temporalReachable: async () => true });
  app.route('/', codecRoutes(createCodecService(new EncryptionCodec(parsePayloadKeys(keys))), { corsOrigins: [UI] }));
  return app;
}

describe('/codec', () => {
  it('is behind the API key', async () => {
    const { app } = makeStubApp({}, { apiKeys: parseApiKeys('codec-key-0123456789:ops') });
    expect((await app.request('/codec/decode', post({ payloads: [plain] }))).status).toBe(401);
    const res = await app.request('/codec/decode', post({ payloads: [plain] }, { authorization: 'Bearer codec-key-0123456789' }));
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ payloads: [plain] }); // no HUB_PAYLOAD_KEYS here: unchanged
  });

  it('encodes and decodes (round trip); a tampered payload is a 400, not a 500', async () => {
    const app = codecApp();
    const enc = await json(await app.request('/codec/encode', post({ payloads: [plain] })));
    expect(Buffer.from(enc.payloads[0].metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
    expect(Buffer.from(enc.payloads[0].data, 'base64').toString('latin1')).not.toContain('s3cret');
    const dec = await json(await app.request('/codec/decode', post(enc)));
    expect(dec).toEqual({ payloads: [plain] });
    const bad = { ...enc.payloads[0], data: Buffer.from(randomBytes(40)).toString('base64') };
    const res = await app.request('/codec/decode', post({ payloads: [bad] }));
    expect(res.status).toBe(400);
    expect((await json(res)).error.message).toMatch(/failed authentication/);
    expect((await app.request('/codec/decode', post({ payloads: [{ data: '%%%' }] }))).status).toBe(400);
  });

  it('answers CORS preflights for the Temporal UI origin only', async () => {
    const app = codecApp();
    const preflight = (origin: string) =>
      app.request('/codec/decode', {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' },
      });
    const ok = await preflight(UI);
    expect(ok.headers.get('access-control-allow-origin')).toBe(UI);
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/x-namespace/);
    const evil = await preflight('http://evil.example');
    expect(evil.headers.get('access-control-allow-origin')).not.toBe('http://evil.example');
  });
});
