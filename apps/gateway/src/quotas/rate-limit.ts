/**
 * The per-tenant request rate limit (`limits.requestsPerSecond` with `burst`), in process: each
 * gateway counts its own requests (N gateways behind a balancer allow up to N times the rate).
 * rate-limiter-flexible's `BurstyRateLimiter` (a maintained library with exact, atomic in-memory
 * counters and the time to the next free point, which becomes `Retry-After`): `requestsPerSecond`
 * points per second, and a reserve of `burst` more that refills over ceil(burst / requestsPerSecond) s.
 */
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { TenantLimits } from '@hub/contracts';

export interface RateDecision {
  allowed: boolean;
  /** Seconds until a request would be allowed again (when refused). */
  retryAfterSec: number;
}

export interface RateLimiter {
  consume(tenant: string): Promise<RateDecision>;
}

type Limiter = { consume(key: string): Promise<RateLimiterRes> };

function limiterFor(l: Pick<TenantLimits, 'requestsPerSecond' | 'burst'>): Limiter {
  const points = Math.max(1, Math.floor(l.requestsPerSecond));
  const duration = Math.max(1, Math.round(points / l.requestsPerSecond)); // e.g. 0.5 rps: 1 point per 2 s
  const main = new RateLimiterMemory({ points, duration });
  if (l.burst <= 0) return main;
  return new BurstyRateLimiter(main, new RateLimiterMemory({ keyPrefix: 'burst', points: l.burst, duration: Math.max(1, Math.ceil(l.burst / l.requestsPerSecond)) }));
}

/** A limiter per distinct (rps, burst) setting, keyed by tenant. */
export function createRateLimiter(limitsOf: (tenant: string) => Pick<TenantLimits, 'requestsPerSecond' | 'burst'>): RateLimiter {
  const limiters = new Map<string, Limiter>();
  return {
    async consume(tenant) {
      const l = limitsOf(tenant);
      const key = `${l.requestsPerSecond}/${l.burst}`;
      let limiter = limiters.get(key);
      if (!limiter) limiters.set(key, (limiter = limiterFor(l)));
      try {
        await limiter.consume(tenant);
        return { allowed: true, retryAfterSec: 0 };
      } catch (res) {
        if (res instanceof RateLimiterRes) return { allowed: false, retryAfterSec: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) };
        throw res;
      }
    },
  };
}
