/**
 * Security headers of every response (the web app's pages above all): no framing
 * (`X-Frame-Options: DENY`, CSP `frame-ancestors 'none'`, so the approval UI can't be
 * clickjacked), `X-Content-Type-Options: nosniff`, no referrer, and a CSP that lets the
 * web app load only its own scripts, styles and API. Hono's `secureHeaders` middleware
 * (maintained with Hono, the usual helmet-style defaults) sets them.
 */
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { GatewayEnv } from './env';

export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  // Preact sets style attributes through the DOM; Vite's CSS is a file.
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

export function securityHeaders(): MiddlewareHandler<GatewayEnv> {
  return secureHeaders({
    xFrameOptions: 'DENY',
    xContentTypeOptions: 'nosniff',
    referrerPolicy: 'no-referrer',
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
    // The hub speaks plain HTTP on loopback by default; HSTS is the TLS proxy's call.
    strictTransportSecurity: false,
    // Temporal's UI calls /codec from its own origin (CORS); resource policy stays out of its way.
    crossOriginResourcePolicy: false,
  });
}
