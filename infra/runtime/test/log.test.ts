import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../src/log';

function captureStderr(): { lines: () => Record<string, unknown>[]; restore: () => void } {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  return {
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    restore: () => spy.mockRestore(),
  };
}

describe('createLogger', () => {
  const prev = process.env['HUB_LOG_LEVEL'];
  afterEach(() => {
    if (prev === undefined) delete process.env['HUB_LOG_LEVEL'];
    else process.env['HUB_LOG_LEVEL'] = prev;
  });

  it('writes one JSON line per call with level, time, component, msg and fields', () => {
    delete process.env['HUB_LOG_LEVEL'];
    const cap = captureStderr();
    try {
      const log = createLogger('worker');
      log.info('worker ready', { taskQueue: 'agent-hub' });
      log.error('failed', { err: new Error('boom') });
    } finally {
      cap.restore();
    }
    const [first, second] = cap.lines();
    expect(first).toMatchObject({ level: 'info', component: 'worker', msg: 'worker ready', taskQueue: 'agent-hub' });
    expect(Object.keys(first ?? {}).slice(0, 4)).toEqual(['level', 'time', 'component', 'msg']);
    expect(new Date(String(first?.['time'])).toISOString()).toBe(first?.['time']);
    expect(second).toMatchObject({ level: 'error', err: { name: 'Error', message: 'boom' } });
  });

  it('filters by HUB_LOG_LEVEL (default info)', () => {
    const cap = captureStderr();
    try {
      delete process.env['HUB_LOG_LEVEL'];
      const log = createLogger('x');
      log.debug('hidden');
      log.info('shown');
      process.env['HUB_LOG_LEVEL'] = 'debug';
      log.debug('now shown');
      process.env['HUB_LOG_LEVEL'] = 'error';
      log.warn('hidden too');
      log.child({ requestId: 'r1' }).error('child line');
    } finally {
      cap.restore();
    }
    expect(cap.lines().map((l) => l['msg'])).toEqual(['shown', 'now shown', 'child line']);
    expect(cap.lines()[2]).toMatchObject({ requestId: 'r1', component: 'x' });
  });
});
