/**
 * The lint half of the determinism fence: ESLint's config must reject
 * runtime imports of anything but the allowed modules in workflow code, and
 * accept type-only imports; and the wire halves of the contracts must never
 * import a schemas module.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

const root = fileURLToPath(new URL('../..', import.meta.url));
// Linted as if it were these files (the project service only knows files on disk).
const workflowFile = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const validatorsFile = fileURLToPath(new URL('../src/validators.ts', import.meta.url));
const wireFile = fileURLToPath(new URL('../contracts/src/session/wire.ts', import.meta.url));
const telemetryFile = fileURLToPath(new URL('../src/telemetry-otel.ts', import.meta.url));

async function lint(code: string, filePath = workflowFile): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath });
  const messages = result?.messages ?? [];
  expect(messages.filter((m) => m.fatal)).toEqual([]);
  return messages.map((m) => `${m.ruleId}: ${m.message}`);
}
const restricted = (messages: string[]) => messages.filter((m) => m.startsWith('@typescript-eslint/no-restricted-imports'));

describe('determinism fence (lint)', () => {
  it('rejects runtime imports of client, activity, node built-ins and openai', async () => {
    const messages = await lint(
      [
        "import { Connection } from '@temporalio/client';",
        "import { readFileSync } from 'node:fs';",
        "import OpenAI from 'openai';",
        'export const x = [Connection, readFileSync, OpenAI];',
      ].join('\n'),
    );
    expect(messages.filter((m) => m.startsWith('@typescript-eslint/no-restricted-imports'))).toHaveLength(3);
  });

  it('rejects runtime imports of the contracts root, a schemas module, and zod outside the validators module', async () => {
    const code = [
      "import { LIMITS } from '@hub/contracts';",
      "import { SessionStateSchema } from '@hub/contracts/session/schemas';",
      "import { z } from 'zod';",
      'export const x = [LIMITS, SessionStateSchema, z];',
    ].join('\n');
    expect(restricted(await lint(code))).toHaveLength(3);
    // The validators module may use zod, and nothing more.
    expect(restricted(await lint(code, validatorsFile))).toHaveLength(2);
  });

  it('accepts the allowed runtime imports and type-only imports of anything', async () => {
    const messages = await lint(
      [
        "import { condition } from '@temporalio/workflow';",
        "import { WorkflowStream } from '@temporalio/workflow-streams/workflow';",
        "import { LIMITS } from '@hub/contracts/common/wire';",
        "import { sessionStateQuery } from '@hub/contracts/session/wire';",
        "import type { Client } from '@temporalio/client';",
        "import type { SessionState } from '@hub/contracts';",
        "import type { SessionStateSchema } from '@hub/contracts/session/schemas';",
        "import type { z } from 'zod';",
        'export const x = (c?: Client, s?: SessionState, t?: typeof SessionStateSchema, y?: z.ZodType) => [condition, WorkflowStream, LIMITS, sessionStateQuery, c, s, t, y];',
      ].join('\n'),
    );
    expect(messages.filter((m) => m.includes('restricted'))).toEqual([]);
    expect(restricted(await lint("import { z } from 'zod';\nexport const s = z.string();\n", validatorsFile))).toEqual([]);
  });

  it('lets only the OpenTelemetry half of the bundle\'s telemetry interceptors (telemetry-otel.ts) load OpenTelemetry (and nothing else besides the allowed modules)', async () => {
    const otelCode = [
      "import * as otel from '@opentelemetry/api';",
      "import { OpenTelemetryInboundInterceptor } from '@temporalio/interceptors-opentelemetry/lib/workflow';",
      'export const x = [otel, OpenTelemetryInboundInterceptor];',
    ].join('\n');
    expect(restricted(await lint(otelCode))).toHaveLength(2);
    expect(restricted(await lint(otelCode, validatorsFile))).toHaveLength(2);
    expect(restricted(await lint(otelCode, telemetryFile))).toEqual([]);
    const others = [
      "import { trace } from '@opentelemetry/sdk-trace-base';",
      "import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';",
      "import { readFileSync } from 'node:fs';",
      'export const x = [trace, OpenTelemetryWorkflowClientInterceptor, readFileSync];',
    ].join('\n');
    expect(restricted(await lint(others, telemetryFile))).toHaveLength(3);
  });

  it('keeps wire.ts free of schemas (even type-only) and of zod at runtime', async () => {
    const rejected = await lint(
      [
        "import type { SessionEvent } from './schemas';",
        "import type { ChatMessage } from '../agent/schemas';",
        "import { z } from 'zod';",
        'export const x = (e?: SessionEvent, m?: ChatMessage) => [e, m, z];',
      ].join('\n'),
      wireFile,
    );
    expect(restricted(rejected)).toHaveLength(3);
    const accepted = await lint(
      [
        "import { defineQuery } from '@temporalio/workflow';",
        "import type { z } from 'zod';",
        "import { LIMITS } from '../common/wire';",
        "import type { TokenUsage } from '../agent/wire';",
        'export const x = (u?: TokenUsage, s?: z.ZodType) => [defineQuery, LIMITS, u, s];',
      ].join('\n'),
      wireFile,
    );
    expect(restricted(accepted)).toEqual([]);
  });

  it('rejects Date.now, Math.random and module-level mutable state', async () => {
    const messages = await lint('let n = 0;\nexport const f = () => [Date.now(), Math.random(), n++];\n');
    expect(messages.some((m) => m.includes('Date.now'))).toBe(true);
    expect(messages.some((m) => m.includes('Math.random'))).toBe(true);
    expect(messages.some((m) => m.includes('module-level mutable state'))).toBe(true);
  });
});
