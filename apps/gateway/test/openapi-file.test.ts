import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPENAPI_FILE, openApiDocument } from '../src/openapi';

describe('docs/openapi.json', () => {
  it('is the document the gateway serves (regenerate with `npm run openapi`)', async () => {
    const served = await openApiDocument();
    expect(JSON.parse(served).paths).toHaveProperty(['/v1/sessions/{id}/messages']);
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(served);
  });
});
