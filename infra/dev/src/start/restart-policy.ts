/**
 * When the supervisor restarts a crashed service: after a delay that doubles with each crash in the window
 * (0.5 s, 1 s, 2 s, … up to 10 s), and not at all once it crashed `maxCrashes` times within `windowMs`.
 */
export interface RestartPolicy {
  /** Delay before the first restart (ms). */
  initialDelayMs: number;
  /** Longest delay (ms). */
  maxDelayMs: number;
  /** This many crashes within `windowMs` and the hub gives up (shuts down, exit code 1). */
  maxCrashes: number;
  windowMs: number;
}

export const DEFAULT_RESTART_POLICY: Readonly<RestartPolicy> = {
  initialDelayMs: 500,
  maxDelayMs: 10_000,
  maxCrashes: 5,
  windowMs: 60_000,
};

/** What to do after the `crashesInWindow`-th crash (counting this one) within the policy's window. */
export function nextRestart(policy: RestartPolicy, crashesInWindow: number): { restart: false } | { restart: true; delayMs: number } {
  if (crashesInWindow >= policy.maxCrashes) return { restart: false };
  const delayMs = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, crashesInWindow - 1));
  return { restart: true, delayMs };
}

/** The policy with overrides from HUB_RESTART_MAX_CRASHES / HUB_RESTART_WINDOW_MS (positive integers). */
export function restartPolicyFromEnv(env: NodeJS.ProcessEnv): RestartPolicy {
  const num = (name: string, fallback: number): number => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
    return n;
  };
  return {
    ...DEFAULT_RESTART_POLICY,
    maxCrashes: num('HUB_RESTART_MAX_CRASHES', DEFAULT_RESTART_POLICY.maxCrashes),
    windowMs: num('HUB_RESTART_WINDOW_MS', DEFAULT_RESTART_POLICY.windowMs),
  };
}
