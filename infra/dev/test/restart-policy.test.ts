import { describe, expect, it } from 'vitest';
import { DEFAULT_RESTART_POLICY, nextRestart, restartPolicyFromEnv } from '../src/start/restart-policy';

describe('restart policy of npm start', () => {
  it('backs off 0.5 s, doubling, up to 10 s, and gives up at the 5th crash within the window', () => {
    const delays = [1, 2, 3, 4].map((n) => nextRestart(DEFAULT_RESTART_POLICY, n));
    expect(delays).toEqual([500, 1_000, 2_000, 4_000].map((delayMs) => ({ restart: true, delayMs })));
    expect(nextRestart({ ...DEFAULT_RESTART_POLICY, maxCrashes: 100 }, 10)).toEqual({ restart: true, delayMs: 10_000 });
    expect(nextRestart(DEFAULT_RESTART_POLICY, 5)).toEqual({ restart: false });
  });

  it('reads HUB_RESTART_MAX_CRASHES / HUB_RESTART_WINDOW_MS and refuses nonsense', () => {
    expect(restartPolicyFromEnv({})).toEqual(DEFAULT_RESTART_POLICY);
    expect(restartPolicyFromEnv({ HUB_RESTART_MAX_CRASHES: '3', HUB_RESTART_WINDOW_MS: '30000' })).toMatchObject({ maxCrashes: 3, windowMs: 30_000 });
    expect(() => restartPolicyFromEnv({ HUB_RESTART_MAX_CRASHES: '0' })).toThrow(/HUB_RESTART_MAX_CRASHES must be a positive integer/);
  });
});
