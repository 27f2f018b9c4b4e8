/**
 * Generated from docs/openapi.json by openapi-typescript (`npm run openapi`). Do not edit.
 */

export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness (no auth) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Alive */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Health"];
                    };
                };
                /** @description Foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: Temporal reachable (no auth; details only for a key holder when keys are configured) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Ready */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Readiness"];
                    };
                };
                /** @description Foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Not ready */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Readiness"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics of this gateway (admin key; HUB_METRICS=off turns it off)
         * @description HTTP requests by route pattern and status, their latency, SSE clients connected and the process metrics, in the Prometheus text format. Only an admin key (HUB_ADMIN_KEYS) may read them when keys are configured.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The metrics (text format 0.0.4) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/plain": string;
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Without an admin key (HUB_ADMIN_KEYS); or foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the tenant's sessions (newest first, from Temporal visibility: eventually consistent) */
        get: {
            parameters: {
                query?: {
                    /** @description Most sessions to return (1-500, default 50) */
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Sessions */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SessionList"];
                    };
                };
                /** @description Invalid request (`invalid_request`); details lists the offending fields */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Start a session (optionally with a first message)
         * @description With a first message, answers when its turn ends (`reply`), or as soon as the turn waits for a tool approval (`pendingTurn`). Safe to retry with an `Idempotency-Key` (or a client-chosen `id`): a repeat answers the same session and never runs the message twice.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description `Idempotency-Key`: makes the request safe to retry. A repeat with the same key (same tenant, same route, same body) answers the original result and does not do the work again, also after a gateway restart. A key reused with a different body answers 409. */
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            /** @description Session options and an optional first message (may be omitted) */
            requestBody?: {
                content: {
                    "application/json": components["schemas"]["CreateSessionRequest"];
                };
            };
            responses: {
                /** @description Session created (or, for a repeat, the session the first request created); `reply` is the first turn when a message was given */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CreateSessionResponse"];
                    };
                };
                /** @description Invalid request (`invalid_request`); details lists the offending fields */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (`payload_too_large`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body is not JSON (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Session state */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Current state (closed sessions answer too) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SessionState"];
                    };
                };
                /** @description Invalid request (`invalid_request`); details lists the offending fields */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Session (or approval) not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The session is closed (`session_closed`) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Close a session */
        delete: {
            parameters: {
                query?: never;
                header?: {
                    /** @description `Idempotency-Key`: makes the request safe to retry. A repeat with the same key (same tenant, same route, same body) answers the original result and does not do the work again, also after a gateway restart. A key reused with a different body answers 409. */
                    "idempotency-key"?: string;
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Final state */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SessionState"];
                    };
                };
                /** @description Invalid request (`invalid_request`); details lists the offending fields */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Session (or approval) not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The session is closed (`session_closed`) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body is not JSON (`unsupported_media_type`); a form or text body is refused on every state-changing route */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions/{id}/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a message; waits for the turn unless wait=false */
        post: {
            parameters: {
                query?: {
                    /** @description false: return 202 as soon as the session accepted the message instead of waiting for the turn */
                    wait?: "true" | "false";
                };
                header?: {
                    /** @description `Idempotency-Key`: makes the request safe to retry. A repeat with the same key (same tenant, same route, same body) answers the original result and does not do the work again, also after a gateway restart. A key reused with a different body answers 409. */
                    "idempotency-key"?: string;
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            /** @description The user message */
            requestBody: {
                content: {
                    "application/json": components["schemas"]["SendMessageRequest"];
                };
            };
            responses: {
                /** @description The finished turn */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TurnResult"];
                    };
                };
                /** @description Accepted (wait=false); follow /events for progress */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["MessageAccepted"];
                    };
                };
                /** @description Invalid request (`invalid_request`); details lists the offending fields */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Session (or approval) not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The session is closed (`session_closed`) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (`payload_too_large`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body is not JSON (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Session events as Server-Sent Events (resumable with Last-Event-ID)
         * @description Each stream item is sent as `id: <offset>`, `event: <type>`, `data: <SessionEvent JSON>`. Resume with `Last-Event-ID: N` (or `?from=N+1`). Gateway messages without id: `stream.truncated` (events before the resume point are no longer retained; the stream continues from the oldest retained one), `stream.end` (session ended or server shutting down), `stream.error`; `: ping` comments every 15 s.
         */
        get: {
            parameters: {
                query?: {
                    /** @description Stream offset to start from (inclusive, >= 0). Overridden by Last-Event-ID (which resumes after that id). */
                    from?: number;
                };
                header?: {
                    "last-event-id"?: string;
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description text/event-stream of SessionEvent */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/event-stream": string;
                    };
                };
                /** @description Invalid request (`invalid_request`); details lists the offending fields */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Session (or approval) not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The session is closed (`session_closed`) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions/{id}/approvals/{approvalId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Approve or deny a pending tool call */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description `Idempotency-Key`: makes the request safe to retry. A repeat with the same key (same tenant, same route, same body) answers the original result and does not do the work again, also after a gateway restart. A key reused with a different body answers 409. */
                    "idempotency-key"?: string;
                };
                path: {
                    id: string;
                    approvalId: string;
                };
                cookie?: never;
            };
            /** @description The decision */
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ApprovalDecision"];
                };
            };
            responses: {
                /** @description Decision recorded */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ApprovalAccepted"];
                    };
                };
                /** @description Invalid request (`invalid_request`); details lists the offending fields */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Session (or approval) not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The session is closed (`session_closed`) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (`payload_too_large`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body is not JSON (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions/{id}/turns/{turnId}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel one turn (the session stays open)
         * @description A running turn is cancelled like an interrupt: its tool calls and delegations are cancelled and its compensations run; its message answers `cancelled`. A queued message is dropped. A turn that has ended answers `cancelled: false`.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description `Idempotency-Key`: makes the request safe to retry. A repeat with the same key (same tenant, same route, same body) answers the original result and does not do the work again, also after a gateway restart. A key reused with a different body answers 409. */
                    "idempotency-key"?: string;
                };
                path: {
                    id: string;
                    turnId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description What the cancel did */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CancelTurnResult"];
                    };
                };
                /** @description Invalid request (`invalid_request`); details lists the offending fields */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Session (or approval) not found */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The session is closed (`session_closed`) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body is not JSON (`unsupported_media_type`); a form or text body is refused on every state-changing route */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/agents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Agents this tenant may use: built-in, hub.config.json (read-only) and its own (latest versions) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Agents */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AgentList"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Define an agent (version 1) for this tenant */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description `Idempotency-Key`: makes the request safe to retry. A repeat with the same key (same tenant, same route, same body) answers the original result and does not do the work again, also after a gateway restart. A key reused with a different body answers 409. */
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["AgentDefinition"];
                };
            };
            responses: {
                /** @description Stored (version 1) */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Agent"];
                    };
                };
                /** @description Invalid request (`invalid_request`); details lists the offending fields; refused: the definition, or a handoff or delegate naming an unknown agent, the agent itself, or closing a delegation cycle (details.issues names the field); at most 20 versions are kept */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description An agent (built-in, config, the tenant's or a remote agent) of that name exists, or the tenant has 100 agents */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (`payload_too_large`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body is not JSON (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/agents/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One agent: its latest version, or ?version=N */
        get: {
            parameters: {
                query?: {
                    /** @description A given version (default: the latest) */
                    version?: number;
                };
                header?: never;
                path: {
                    /** @description Agent name */
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Agent */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Agent"];
                    };
                };
                /** @description Invalid request (`invalid_request`); details lists the offending fields */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Unknown agent (`agent_not_found`), or no such version */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        /** Store a new version of an agent (running sessions keep the version they pinned; the latest version's definition again answers that version) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Agent name */
                    name: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["AgentDefinitionUpdate"];
                };
            };
            responses: {
                /** @description The new version */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Agent"];
                    };
                };
                /** @description Invalid request (`invalid_request`); details lists the offending fields; refused: the definition, or a handoff or delegate naming an unknown agent, the agent itself, or closing a delegation cycle (details.issues names the field); at most 20 versions are kept; or a body name other than the path's */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description A built-in or config agent (read-only); or foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Unknown agent (`agent_not_found`), or no such version */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (`payload_too_large`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body is not JSON (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        /** Delete an agent and its versions (refused while another agent names it) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Agent name */
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AgentDeleted"];
                    };
                };
                /** @description Invalid request (`invalid_request`); details lists the offending fields */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description A built-in or config agent (read-only); or foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Unknown agent (`agent_not_found`), or no such version */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Other agents still name it in handoffs or delegates (the message names them) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body is not JSON (`unsupported_media_type`); a form or text body is refused on every state-changing route */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/agents/{name}/versions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The kept versions of an agent, newest first (at most 20) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Agent name */
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Versions */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AgentVersions"];
                    };
                };
                /** @description Invalid request (`invalid_request`); details lists the offending fields */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Unknown agent (`agent_not_found`), or no such version */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/mcp": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Model Context Protocol endpoint (Streamable HTTP, stateless)
         * @description The hub as an MCP server, for MCP clients (MCP Inspector, Cursor, Claude Desktop via mcp-remote). The body is one JSON-RPC 2.0 message of the MCP protocol (`initialize`, `tools/list`, `tools/call`, notifications). Tools: `chat` {message, sessionId?, agent?} (starts or continues a session and returns the reply; `agent` is a name or name@version), `list_agents` {} (the agents the tenant can use: name, description, version, source, handoffs, delegates), `list_sessions` {limit?}, `start_research` {question, maxAgents?} and `get_research` {id} (progress and report of a job). Stateless: no `Mcp-Session-Id`; GET and DELETE answer 405. Requests answer as `text/event-stream` (one JSON-RPC response, keep-alive comments while a turn runs) and notifications as 202. The API key selects the tenant as for the REST API. `Host` must be a loopback name or listed in HUB_ALLOWED_HOSTS, and `Origin`, when sent, the hub itself or listed in HUB_ALLOWED_ORIGINS (403 otherwise, as on every route).
         */
        post: {
            parameters: {
                query?: never;
                header: {
                    accept: string;
                    /** @description Negotiated protocol version (after initialize) */
                    "mcp-protocol-version"?: string;
                };
                path?: never;
                cookie?: never;
            };
            /** @description A JSON-RPC message */
            requestBody: {
                content: {
                    "application/json": components["schemas"]["JsonRpcMessage"];
                };
            };
            responses: {
                /** @description The JSON-RPC response, as a Server-Sent Events stream: `event: message` / `data: <JSON-RPC response>` */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/event-stream": string;
                    };
                };
                /** @description Notification or response accepted (no body) */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Not a valid JSON-RPC message (JSON-RPC error -32700 / -32600) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["JsonRpcError"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Host or Origin not allowed (DNS-rebinding protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["JsonRpcError"];
                    };
                };
                /** @description Accept must list both application/json and text/event-stream */
                406: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["JsonRpcError"];
                    };
                };
                /** @description Request body too large (`payload_too_large`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Content-Type must be application/json */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["JsonRpcError"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/mcp/servers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** MCP servers (config file and runtime) with connection status; header and env values redacted */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Servers */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["McpServerList"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Register an MCP server (stdio: command allowlisted in config; HTTP: public address or allowlisted) */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description `Idempotency-Key`: makes the request safe to retry. A repeat with the same key (same tenant, same route, same body) answers the original result and does not do the work again, also after a gateway restart. A key reused with a different body answers 409. */
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["McpServerRegistration"];
                };
            };
            responses: {
                /** @description Registered and inspected (status and tools) */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["McpServer"];
                    };
                };
                /** @description Invalid request (`invalid_request`); details lists the offending fields */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Refused by a safety rule; or foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Unknown server or tool */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflict */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (`payload_too_large`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body is not JSON (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/mcp/servers/{name}/tools": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Connect to a server and list its tools (flagged tools are marked and offered to no agent) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Server with its tools */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["McpServer"];
                    };
                };
                /** @description Invalid request (`invalid_request`); details lists the offending fields */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Refused by a safety rule; or foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Unknown server or tool */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflict */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/mcp/servers/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a runtime-registered MCP server */
        delete: {
            parameters: {
                query?: never;
                header?: {
                    /** @description `Idempotency-Key`: makes the request safe to retry. A repeat with the same key (same tenant, same route, same body) answers the original result and does not do the work again, also after a gateway restart. A key reused with a different body answers 409. */
                    "idempotency-key"?: string;
                };
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Removed */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["McpServer"];
                    };
                };
                /** @description Invalid request (`invalid_request`); details lists the offending fields */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Refused by a safety rule; or foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Unknown server or tool */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflict */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body is not JSON (`unsupported_media_type`); a form or text body is refused on every state-changing route */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/mcp/servers/{name}/tools/{tool}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Re-approve a flagged tool at its current definition (pins the new hash) */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description `Idempotency-Key`: makes the request safe to retry. A repeat with the same key (same tenant, same route, same body) answers the original result and does not do the work again, also after a gateway restart. A key reused with a different body answers 409. */
                    "idempotency-key"?: string;
                };
                path: {
                    name: string;
                    tool: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Server with its tools */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["McpServer"];
                    };
                };
                /** @description Invalid request (`invalid_request`); details lists the offending fields */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Refused by a safety rule; or foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Unknown server or tool */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflict */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body is not JSON (`unsupported_media_type`); a form or text body is refused on every state-changing route */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/a2a/remotes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The tenant's remote A2A agents (header names only) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Remote agents */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RemoteAgentList"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Register a remote A2A agent (its card URL public or allowlisted in security.allowPrivateHosts); usable as a delegate */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description `Idempotency-Key`: makes the request safe to retry. A repeat with the same key (same tenant, same route, same body) answers the original result and does not do the work again, also after a gateway restart. A key reused with a different body answers 409. */
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["RemoteAgentRegistration"];
                };
            };
            responses: {
                /** @description Registered: the card was read and validated (header values are never returned) */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RemoteAgent"];
                    };
                };
                /** @description Invalid request (`invalid_request`); details lists the offending fields; the card could not be read or is not a usable A2A card (the field is cardUrl) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The card URL or its JSON-RPC endpoint is a private, loopback or link-local address not in security.allowPrivateHosts; or foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description An agent or remote agent of that name exists, or the tenant has as many agents as it may */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (`payload_too_large`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body is not JSON (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/a2a/remotes/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One remote A2A agent (header names only) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The remote agent's name */
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The remote agent */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RemoteAgent"];
                    };
                };
                /** @description Invalid request (`invalid_request`); details lists the offending fields */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No remote agent of that name (`agent_not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Remove a remote A2A agent (refused while an agent names it in delegates) */
        delete: {
            parameters: {
                query?: never;
                header?: {
                    /** @description `Idempotency-Key`: makes the request safe to retry. A repeat with the same key (same tenant, same route, same body) answers the original result and does not do the work again, also after a gateway restart. A key reused with a different body answers 409. */
                    "idempotency-key"?: string;
                };
                path: {
                    /** @description The remote agent's name */
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Removed */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RemoteAgent"];
                    };
                };
                /** @description Invalid request (`invalid_request`); details lists the offending fields */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No remote agent of that name (`agent_not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description An agent names it in delegates */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body is not JSON (`unsupported_media_type`); a form or text body is refused on every state-changing route */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tasks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start a saga task: steps run in order; on failure or cancel the completed steps are compensated in reverse order
         * @description A step whose tool requires approval (save_note, tools of servers marked requiresApproval: the same policy as session tool calls) pauses the task (status awaiting_approval) until POST /v1/tasks/{id}/approvals/{approvalId}; no decision within the approval timeout counts as a denial. A step whose call failed without an answer (timed out, out of retries, cancelled mid-call) is compensated too, since its effect may have happened. Safe to retry with an `Idempotency-Key`: a repeat answers the original result and does not do the work again. The task id is derived from the key.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description `Idempotency-Key`: makes the request safe to retry. A repeat with the same key (same tenant, same route, same body) answers the original result and does not do the work again, also after a gateway restart. A key reused with a different body answers 409. */
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["CreateTask"];
                };
            };
            responses: {
                /** @description Started (or, for a repeat with the same Idempotency-Key, the task it started) */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TaskAccepted"];
                    };
                };
                /** @description Invalid request (`invalid_request`); details lists the offending fields */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Unknown task */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The Idempotency-Key was used for a different request (`conflict`) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (`payload_too_large`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body is not JSON (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tasks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A task with the status of each step and each compensation */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Task */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Task"];
                    };
                };
                /** @description Invalid request (`invalid_request`); details lists the offending fields */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Unknown task */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tasks/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Task events as Server-Sent Events (resumable with Last-Event-ID)
         * @description Events: step.started, step.completed, step.failed, step.skipped, approval.requested, approval.resolved, compensation.registered, compensation.started, compensation.completed, compensation.failed, task.status. Each is sent as `id: <offset>`, `event: <type>`, `data: <JSON>`; resume with `Last-Event-ID` (or `?from=`). When the task has already finished, one `task.status` event (without id) carries its final status, then `stream.end`.
         */
        get: {
            parameters: {
                query?: {
                    /** @description Stream offset to start from (inclusive, >= 0). Overridden by Last-Event-ID (which resumes after that id). */
                    from?: number;
                };
                header?: {
                    "last-event-id"?: string;
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description text/event-stream of TaskEvent */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/event-stream": string;
                    };
                };
                /** @description Invalid request (`invalid_request`); details lists the offending fields */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Unknown task */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tasks/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a task: the running step is cancelled and the completed steps are compensated
         * @description Safe to retry with an `Idempotency-Key`: a repeat answers the original result and does not do the work again.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description `Idempotency-Key`: makes the request safe to retry. A repeat with the same key (same tenant, same route, same body) answers the original result and does not do the work again, also after a gateway restart. A key reused with a different body answers 409. */
                    "idempotency-key"?: string;
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Cancellation requested */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TaskCancelAccepted"];
                    };
                };
                /** @description Invalid request (`invalid_request`); details lists the offending fields */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Unknown task */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body is not JSON (`unsupported_media_type`); a form or text body is refused on every state-changing route */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tasks/{id}/approvals/{approvalId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Approve or deny a task step that waits for approval (the same decision body as session approvals)
         * @description A denied step fails without running; the completed steps before it are compensated. Safe to retry with an `Idempotency-Key`: a repeat answers the original result and does not do the work again.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description `Idempotency-Key`: makes the request safe to retry. A repeat with the same key (same tenant, same route, same body) answers the original result and does not do the work again, also after a gateway restart. A key reused with a different body answers 409. */
                    "idempotency-key"?: string;
                };
                path: {
                    id: string;
                    /** @description step-<index> (see the task's pendingApprovals) */
                    approvalId: string;
                };
                cookie?: never;
            };
            /** @description The decision */
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ApprovalDecision"];
                };
            };
            responses: {
                /** @description Decision recorded */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ApprovalAccepted"];
                    };
                };
                /** @description Invalid request (`invalid_request`); details lists the offending fields */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Unknown task, or no such approval pending (`approval_not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (`payload_too_large`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body is not JSON (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/research": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Research jobs of the caller, newest first */
        get: {
            parameters: {
                query?: {
                    /** @description Most jobs to return (1-500, default 50) */
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Jobs */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ResearchList"];
                    };
                };
                /** @description Invalid request (`invalid_request`); details lists the offending fields */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Start a research job: the question is planned into sub-questions researched by parallel agents, then a report is written */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description `Idempotency-Key`: makes the request safe to retry. A repeat with the same key (same tenant, same route, same body) answers the original result and does not do the work again, also after a gateway restart. A key reused with a different body answers 409. */
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["CreateResearch"];
                };
            };
            responses: {
                /** @description Started (a repeat with the same Idempotency-Key answers the job the first request started); follow GET /v1/research/{id} or its /events */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ResearchAccepted"];
                    };
                };
                /** @description Invalid request (`invalid_request`); details lists the offending fields */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The Idempotency-Key was used for another request (`conflict`) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (`payload_too_large`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body is not JSON (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/research/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A research job: status, progress counts and percent, each agent, and the result (report, citations, findings with provenance, failures) when done */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The job */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ResearchJob"];
                    };
                };
                /** @description Invalid request (`invalid_request`); details lists the offending fields */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such research job (`research_not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/research/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Research job events as Server-Sent Events (resumable with Last-Event-ID)
         * @description Events: research.planning, research.planned, agent.started, agent.finished, agent.failed, research.progress, research.budget_exhausted, research.deadline, research.synthesizing, research.done. Each is sent as `id: <offset>`, `event: <type>`, `data: <ResearchEvent JSON>`; resume with `Last-Event-ID` (or `?from=`). When the job has already finished, one `research.done` event (without id) carries its outcome, then `stream.end`.
         */
        get: {
            parameters: {
                query?: {
                    /** @description Stream offset to start from (inclusive, >= 0). Overridden by Last-Event-ID (which resumes after that id). */
                    from?: number;
                };
                header?: {
                    "last-event-id"?: string;
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description text/event-stream of ResearchEvent */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/event-stream": string;
                    };
                };
                /** @description Invalid request (`invalid_request`); details lists the offending fields */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such research job (`research_not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/research/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a research job: every running agent is cancelled; the job ends `cancelled` with its partial results */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description `Idempotency-Key`: makes the request safe to retry. A repeat with the same key (same tenant, same route, same body) answers the original result and does not do the work again, also after a gateway restart. A key reused with a different body answers 409. */
                    "idempotency-key"?: string;
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Cancellation requested (a repeat with the same Idempotency-Key on a job that ended cancelled answers the same) */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ResearchCancelAccepted"];
                    };
                };
                /** @description Invalid request (`invalid_request`); details lists the offending fields */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such research job (`research_not_found`) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The job has already finished (`research_finished`) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body is not JSON (`unsupported_media_type`); a form or text body is refused on every state-changing route */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** LLM usage (calls, tokens, US dollars) grouped by tenant, agent, model and/or day: the key's tenant, or every tenant for an admin key */
        get: {
            parameters: {
                query?: {
                    /** @description First day (UTC), YYYY-MM-DD; default 30 days ago */
                    from?: string;
                    /** @description Last day (UTC), inclusive; default today */
                    to?: string;
                    /** @description tenant, agent, model and/or day (comma-separated); default day */
                    groupBy?: string;
                    /** @description Admin keys only: one tenant (default: all) */
                    tenant?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Rows sorted by day, then tenant, agent and model; and their total */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Usage"];
                    };
                };
                /** @description Invalid request (`invalid_request`); details lists the offending fields; a date that is not YYYY-MM-DD, from after to, or a groupBy other than tenant, agent, model and day */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Another tenant's usage without an admin key; or foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/budgets/{tenant}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A tenant's budget: limits in force, spent, topped up and reserved this period, calls waiting (own tenant, or any with an admin key) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Tenant */
                    tenant: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The budget (source none: no limits) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["BudgetState"];
                    };
                };
                /** @description Invalid request (`invalid_request`); details lists the offending fields */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Another tenant's budget without an admin key; or foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        /** Set a tenant's limits (admin): they take precedence over hub.config.json's; null goes back to those */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Tenant */
                    tenant: string;
                };
                cookie?: never;
            };
            /** @description The limits, or null */
            requestBody: {
                content: {
                    "application/json": components["schemas"]["SetBudget"];
                };
            };
            responses: {
                /** @description The budget under the new limits */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["BudgetState"];
                    };
                };
                /** @description Invalid request (`invalid_request`); details lists the offending fields */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Without an admin key (HUB_ADMIN_KEYS); or foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Budgets are off: hub.config.json has no `budgets` section */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (`payload_too_large`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body is not JSON (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/budgets/{tenant}/topup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Add US dollars and/or tokens to a tenant's current period (admin); work waiting for budget resumes */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description `Idempotency-Key`: makes the request safe to retry. A repeat with the same key (same tenant, same route, same body) answers the original result and does not do the work again, also after a gateway restart. A key reused with a different body answers 409. */
                    "idempotency-key"?: string;
                };
                path: {
                    /** @description Tenant */
                    tenant: string;
                };
                cookie?: never;
            };
            /** @description What to add (usd and/or tokens, more than 0) */
            requestBody: {
                content: {
                    "application/json": components["schemas"]["BudgetTopup"];
                };
            };
            responses: {
                /** @description The budget after the top-up (a repeat with the same Idempotency-Key: the first answer) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["BudgetState"];
                    };
                };
                /** @description Invalid request (`invalid_request`); details lists the offending fields */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Without an admin key (HUB_ADMIN_KEYS); or foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Budgets are off: hub.config.json has no `budgets` section */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (`payload_too_large`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body is not JSON (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/codec/encode": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Encrypt payloads with the hub payload codec (Temporal remote codec server) */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Sent by the Temporal UI/CLI; one codec serves every namespace */
                    "x-namespace"?: string;
                };
                path?: never;
                cookie?: never;
            };
            /** @description Payloads in protobuf JSON (Temporal remote codec protocol) */
            requestBody: {
                content: {
                    "application/json": components["schemas"]["CodecPayloads"];
                };
            };
            responses: {
                /** @description The payloads, encoded */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CodecPayloads"];
                    };
                };
                /** @description Invalid request (`invalid_request`); details lists the offending fields; not payloads, or a payload that cannot be decoded (unknown key id, tampered) (`invalid_request`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (`payload_too_large`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body is not JSON (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/codec/decode": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Decrypt payloads with the hub payload codec (Temporal remote codec server) */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Sent by the Temporal UI/CLI; one codec serves every namespace */
                    "x-namespace"?: string;
                };
                path?: never;
                cookie?: never;
            };
            /** @description Payloads in protobuf JSON (Temporal remote codec protocol) */
            requestBody: {
                content: {
                    "application/json": components["schemas"]["CodecPayloads"];
                };
            };
            responses: {
                /** @description The payloads, decoded */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CodecPayloads"];
                    };
                };
                /** @description Invalid request (`invalid_request`); details lists the offending fields; not payloads, or a payload that cannot be decoded (unknown key id, tampered) (`invalid_request`) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (`payload_too_large`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body is not JSON (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/a2a/{agent}/.well-known/agent-card.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * An agent's A2A agent card
         * @description The Agent2Agent card (protocol 1.0) of one of the tenant's agents: skills from its description and tools, the JSON-RPC endpoint (`POST /a2a/{agent}`, protocol 1.0 and 0.3), streaming, and the bearer API key as the security scheme.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Agent name */
                    agent: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The agent card */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Invalid request (`invalid_request`); details lists the offending fields */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such agent */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/a2a/{agent}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A2A JSON-RPC endpoint of an agent
         * @description Agent2Agent JSON-RPC served by the official SDK (@a2a-js/sdk). Protocol 1.0 (`A2A-Version: 1.0`): `SendMessage`, `SendStreamingMessage` (SSE), `GetTask`, `CancelTask`, `ListTasks` (per contextId), `SubscribeToTask` (SSE); protocol 0.3 (`A2A-Version: 0.3` or no header): `message/send`, `message/stream`, `tasks/get`, `tasks/cancel`, `tasks/resubscribe`. A context is a session (a message without contextId starts one with this agent) and a task one of its turns; a resent message (same messageId) never runs twice; a tool that needs approval makes the task `input-required` (answer it on the task with "approve" or {"approve": true}); cancelling a task cancels its turn (the session stays open). A refusal of the hub (a closed context 409, a quota 429) is an HTTP error.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Agent name */
                    agent: string;
                };
                cookie?: never;
            };
            /** @description A JSON-RPC 2.0 request */
            requestBody: {
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            responses: {
                /** @description The JSON-RPC response (errors included), or for streaming methods a text/event-stream of JSON-RPC responses */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            [key: string]: unknown;
                        };
                        "text/event-stream": string;
                    };
                };
                /** @description Invalid request (`invalid_request`); details lists the offending fields */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing or wrong API key (`unauthorized`) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Foreign `Host` or cross-site request (`forbidden`: DNS-rebinding and cross-site protection) */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such agent */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body too large (`payload_too_large`) */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Request body is not JSON (`unsupported_media_type`) */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Over the tenant's request rate (`rate_limited`) or a quota (`quota_exceeded`); `Retry-After` says when to retry */
                429: {
                    headers: {
                        /** @description Seconds to wait before retrying */
                        "Retry-After"?: number;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Internal JSON-RPC error */
                500: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Temporal is unreachable (`temporal_unavailable`), or no hub worker is polling (`worker_unavailable`, with Retry-After) */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Temporal or the worker did not answer in time (`upstream_timeout`) */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        SessionEvent: {
            /** @enum {string} */
            type: "message.queued";
            turnId: string;
            text: string;
            position: number;
        } | {
            /** @enum {string} */
            type: "turn.started";
            turnId: string;
            text: string;
        } | {
            /** @enum {string} */
            type: "token";
            turnId: string;
            delta: string;
            round: number;
            attempt: number;
            /** @description Set on the events of a delegated agent: its delegation (see delegation.started) */
            delegationId?: string;
        } | {
            /** @enum {string} */
            type: "tool.call";
            turnId: string;
            toolCallId: string;
            tool: string;
            arguments: string;
            /** @description Set on the events of a delegated agent: its delegation (see delegation.started) */
            delegationId?: string;
        } | {
            /** @enum {string} */
            type: "tool.result";
            turnId: string;
            toolCallId: string;
            tool: string;
            ok: boolean;
            content: string;
            /** @description Set on the events of a delegated agent: its delegation (see delegation.started) */
            delegationId?: string;
        } | {
            /** @enum {string} */
            type: "tool.progress";
            turnId: string;
            toolCallId: string;
            tool: string;
            progress: number;
            total?: number;
            message?: string;
            /** @description Set on the events of a delegated agent: its delegation (see delegation.started) */
            delegationId?: string;
        } | {
            /** @enum {string} */
            type: "tool.server_unavailable";
            turnId: string;
            server: string;
            error: string;
            cached: boolean;
            /** @description Set on the events of a delegated agent: its delegation (see delegation.started) */
            delegationId?: string;
        } | {
            /** @enum {string} */
            type: "llm.fallback";
            turnId: string;
            round: number;
            from: string;
            provider: string;
            reason: string;
            to: string;
            /** @description Set on the events of a delegated agent: its delegation (see delegation.started) */
            delegationId?: string;
        } | {
            /** @enum {string} */
            type: "budget.waiting";
            turnId: string;
            /** @enum {string} */
            scope: "tenant" | "agent";
            /** @description ISO time the period rolls over */
            resetsAt: string;
            /** @description Set on the events of a delegated agent: its delegation (see delegation.started) */
            delegationId?: string;
        } | {
            /** @enum {string} */
            type: "budget.resumed";
            turnId: string;
            /** @description Set on the events of a delegated agent: its delegation (see delegation.started) */
            delegationId?: string;
        } | {
            /** @enum {string} */
            type: "approval.requested";
            approval: {
                approvalId: string;
                turnId: string;
                toolCallId: string;
                tool: string;
                /** @description JSON-encoded arguments the model wants to call the tool with */
                arguments: string;
                /** @description ISO time */
                requestedAt: string;
                /** @description ISO time; no decision by then counts as a denial */
                expiresAt: string;
                /** @description Set when a delegated agent asks; the decision is still made on this session */
                delegationId?: string;
                /** @description The agent whose tool call it is */
                agent?: string;
            };
        } | {
            /** @enum {string} */
            type: "approval.resolved";
            approvalId: string;
            approved: boolean;
            reason?: string;
            timedOut: boolean;
            /** @description Set on the events of a delegated agent: its delegation (see delegation.started) */
            delegationId?: string;
        } | {
            /** @enum {string} */
            type: "turn.completed";
            turnId: string;
            reply: string;
            usage: {
                promptTokens: number;
                completionTokens: number;
                totalTokens: number;
                /** @description What the calls cost in US dollars, from the model price table (unset: no price known) */
                costUsd?: number;
            };
            /** @description The parsed final answer (JSON) when the agent has an outputSchema */
            structured?: unknown;
        } | {
            /** @enum {string} */
            type: "turn.failed";
            turnId: string;
            error: string;
        } | {
            /** @enum {string} */
            type: "turn.interrupted";
            turnId: string;
        } | {
            /** @enum {string} */
            type: "compensation.registered";
            turnId: string;
            toolCallId: string;
            tool: string;
            compensationTool: string;
            /** @description Set on the events of a delegated agent: its delegation (see delegation.started) */
            delegationId?: string;
        } | {
            /** @enum {string} */
            type: "compensation.completed";
            turnId: string;
            toolCallId: string;
            tool: string;
            result: string;
            /** @description Set on the events of a delegated agent: its delegation (see delegation.started) */
            delegationId?: string;
        } | {
            /** @enum {string} */
            type: "compensation.failed";
            turnId: string;
            toolCallId: string;
            tool: string;
            error: string;
            /** @description Set on the events of a delegated agent: its delegation (see delegation.started) */
            delegationId?: string;
        } | {
            /** @enum {string} */
            type: "research.progress";
            turnId: string;
            toolCallId: string;
            jobId: string;
            event: {
                /** @enum {string} */
                type: "research.planning";
                question: string;
            } | {
                /** @enum {string} */
                type: "research.planned";
                /** @description The sub-questions (the first 1,000, each cut to 300 characters) */
                subQuestions: string[];
                requested: number;
                capped: boolean;
                batches: number;
            } | {
                /** @enum {string} */
                type: "agent.started";
                index: number;
                question: string;
            } | {
                /** @enum {string} */
                type: "agent.finished";
                index: number;
                totalTokens: number;
            } | {
                /** @enum {string} */
                type: "agent.failed";
                index: number;
                /** @enum {string} */
                status: "pending" | "running" | "succeeded" | "failed" | "timed_out" | "cancelled" | "skipped";
                error: string;
            } | {
                /** @enum {string} */
                type: "research.progress";
                progress: {
                    total: number;
                    pending: number;
                    running: number;
                    succeeded: number;
                    /** @description failed, timed out, cancelled or skipped */
                    failed: number;
                    /** @description share of sub-agents that have finished, in percent */
                    percent: number;
                };
            } | {
                /** @enum {string} */
                type: "research.budget_exhausted";
                usedTokens: number;
                budgetTokens: number;
            } | {
                /** @enum {string} */
                type: "research.deadline";
                deadlineMs: number;
            } | {
                /** @enum {string} */
                type: "budget.waiting";
                agents: number;
                /** @enum {string} */
                scope: "tenant" | "agent";
                /** @description ISO time the period rolls over */
                resetsAt: string;
            } | {
                /** @enum {string} */
                type: "budget.resumed";
                agents: number;
            } | {
                /** @enum {string} */
                type: "research.synthesizing";
                findings: number;
            } | {
                /** @enum {string} */
                type: "research.done";
                /**
                 * @description planning: the planner is splitting the question; running: sub-agents are working; waiting_budget: sub-agents wait for the tenant's budget (a top-up or the next period); synthesizing: the report is being written; completed: a report was written (enough agents succeeded); failed: planning failed or too few agents succeeded; cancelled: cancelled, partial results kept
                 * @enum {string}
                 */
                status: "planning" | "running" | "waiting_budget" | "synthesizing" | "completed" | "failed" | "cancelled";
                error?: string;
                progress: {
                    total: number;
                    pending: number;
                    running: number;
                    succeeded: number;
                    /** @description failed, timed out, cancelled or skipped */
                    failed: number;
                    /** @description share of sub-agents that have finished, in percent */
                    percent: number;
                };
            };
            /** @description Set on the events of a delegated agent: its delegation (see delegation.started) */
            delegationId?: string;
        } | {
            /** @enum {string} */
            type: "agent.handoff";
            turnId: string;
            toolCallId: string;
            from: string;
            to: string;
        } | {
            /** @enum {string} */
            type: "delegation.started";
            turnId: string;
            toolCallId: string;
            delegationId: string;
            parentDelegationId?: string;
            agent: string;
            task: string;
            depth: number;
        } | {
            /** @enum {string} */
            type: "delegation.completed";
            turnId: string;
            toolCallId: string;
            delegationId: string;
            parentDelegationId?: string;
            agent: string;
            ok: boolean;
            reply?: string;
            error?: string;
            usage: {
                promptTokens: number;
                completionTokens: number;
                totalTokens: number;
                /** @description What the calls cost in US dollars, from the model price table (unset: no price known) */
                costUsd?: number;
            };
        } | {
            /** @enum {string} */
            type: "session.compacted";
            generation: number;
            summarizedMessages: number;
        } | {
            /** @enum {string} */
            type: "session.closed";
            reason: string;
        };
        ResearchEvent: {
            /** @enum {string} */
            type: "research.planning";
            question: string;
        } | {
            /** @enum {string} */
            type: "research.planned";
            /** @description The sub-questions (the first 1,000, each cut to 300 characters) */
            subQuestions: string[];
            requested: number;
            capped: boolean;
            batches: number;
        } | {
            /** @enum {string} */
            type: "agent.started";
            index: number;
            question: string;
        } | {
            /** @enum {string} */
            type: "agent.finished";
            index: number;
            totalTokens: number;
        } | {
            /** @enum {string} */
            type: "agent.failed";
            index: number;
            /** @enum {string} */
            status: "pending" | "running" | "succeeded" | "failed" | "timed_out" | "cancelled" | "skipped";
            error: string;
        } | {
            /** @enum {string} */
            type: "research.progress";
            progress: {
                total: number;
                pending: number;
                running: number;
                succeeded: number;
                /** @description failed, timed out, cancelled or skipped */
                failed: number;
                /** @description share of sub-agents that have finished, in percent */
                percent: number;
            };
        } | {
            /** @enum {string} */
            type: "research.budget_exhausted";
            usedTokens: number;
            budgetTokens: number;
        } | {
            /** @enum {string} */
            type: "research.deadline";
            deadlineMs: number;
        } | {
            /** @enum {string} */
            type: "budget.waiting";
            agents: number;
            /** @enum {string} */
            scope: "tenant" | "agent";
            /** @description ISO time the period rolls over */
            resetsAt: string;
        } | {
            /** @enum {string} */
            type: "budget.resumed";
            agents: number;
        } | {
            /** @enum {string} */
            type: "research.synthesizing";
            findings: number;
        } | {
            /** @enum {string} */
            type: "research.done";
            /**
             * @description planning: the planner is splitting the question; running: sub-agents are working; waiting_budget: sub-agents wait for the tenant's budget (a top-up or the next period); synthesizing: the report is being written; completed: a report was written (enough agents succeeded); failed: planning failed or too few agents succeeded; cancelled: cancelled, partial results kept
             * @enum {string}
             */
            status: "planning" | "running" | "waiting_budget" | "synthesizing" | "completed" | "failed" | "cancelled";
            error?: string;
            progress: {
                total: number;
                pending: number;
                running: number;
                succeeded: number;
                /** @description failed, timed out, cancelled or skipped */
                failed: number;
                /** @description share of sub-agents that have finished, in percent */
                percent: number;
            };
        };
        TaskEvent: {
            /** @enum {string} */
            type: "step.started";
            index: number;
            tool: string;
        } | {
            /** @enum {string} */
            type: "step.completed";
            index: number;
            result: string;
        } | {
            /** @enum {string} */
            type: "step.failed";
            index: number;
            error: string;
        } | {
            /** @enum {string} */
            type: "step.skipped";
            index: number;
        } | {
            /** @enum {string} */
            type: "compensation.registered";
            index: number;
            tool: string;
        } | {
            /** @enum {string} */
            type: "compensation.started";
            index: number;
            tool: string;
        } | {
            /** @enum {string} */
            type: "compensation.completed";
            index: number;
            result: string;
        } | {
            /** @enum {string} */
            type: "compensation.failed";
            index: number;
            error: string;
        } | {
            /** @enum {string} */
            type: "approval.requested";
            approval: {
                /** @description step-<index> */
                approvalId: string;
                index: number;
                tool: string;
                /** @description JSON-encoded arguments the step will call the tool with */
                arguments: string;
                /** @description ISO time */
                requestedAt: string;
                /** @description ISO time; no decision by then counts as a denial */
                expiresAt: string;
            };
        } | {
            /** @enum {string} */
            type: "approval.resolved";
            approvalId: string;
            index: number;
            approved: boolean;
            reason?: string;
            timedOut: boolean;
        } | {
            /** @enum {string} */
            type: "task.status";
            /**
             * @description running: steps are running; awaiting_approval: the next step needs a human's approval (POST /v1/tasks/{id}/approvals/{approvalId}); completed: every step succeeded; failed: a step failed and there was nothing to undo; compensating: undoing completed steps; compensated: every needed compensation succeeded; compensation_failed: at least one compensation still failed after its retries (needs a human)
             * @enum {string}
             */
            status: "running" | "awaiting_approval" | "completed" | "failed" | "compensating" | "compensated" | "compensation_failed";
            error?: string;
        };
        /** @description `event: stream.end`: the stream is over (reconnect with Last-Event-ID after a shutdown) */
        StreamEnd: {
            reason: string;
        };
        /** @description `event: stream.error`: the subscription failed; resume from nextOffset */
        StreamError: {
            code: string;
            message: string;
            nextOffset: number;
        };
        /** @description `event: stream.truncated`: events before resumedAt are no longer retained */
        StreamTruncated: {
            message: string;
            requestedOffset: number;
            resumedAt: number;
        };
        Health: {
            /** @enum {boolean} */
            ok: true;
        };
        Error: {
            error: {
                /** @enum {string} */
                code: "invalid_request" | "unauthorized" | "not_found" | "session_not_found" | "approval_not_found" | "agent_not_found" | "mcp_server_not_found" | "mcp_tool_not_found" | "research_not_found" | "research_finished" | "forbidden" | "method_not_allowed" | "session_closed" | "conflict" | "payload_too_large" | "unsupported_media_type" | "rate_limited" | "quota_exceeded" | "temporal_unavailable" | "worker_unavailable" | "upstream_timeout" | "internal";
                message: string;
                details?: unknown;
            };
        };
        Readiness: {
            ok: boolean;
            /** @description `temporal` (ok | unreachable); with a valid key (or auth off) also namespace, latencyMs, error and llm */
            details: {
                [key: string]: unknown;
            };
        };
        CreateSessionResponse: {
            id: string;
            session: components["schemas"]["SessionState"];
            reply?: components["schemas"]["TurnResult"];
            pendingTurn?: components["schemas"]["PendingTurn"];
        };
        SessionState: {
            sessionId: string;
            tenant: string;
            /** @description The active agent: the one the session started with, or the last one a handoff switched to */
            agent: string;
            /** @description The pinned version of the agent the session started with */
            agentVersion?: number;
            /** @description The handoffs so far, oldest first */
            handoffs?: {
                from: string;
                to: string;
                turnId: string;
                /** @description ISO time */
                at: string;
            }[];
            /**
             * @description idle: waiting for a message; running: a turn is in progress; awaiting_approval: a tool call waits for a human; waiting_budget: the turn waits for the tenant's budget (a top-up or the next period); closed: ended
             * @enum {string}
             */
            status: "idle" | "running" | "awaiting_approval" | "waiting_budget" | "closed";
            messages: ({
                /** @enum {string} */
                role: "user";
                content: string;
                turnId?: string;
            } | {
                /** @enum {string} */
                role: "assistant";
                content: string;
                toolCalls?: {
                    id: string;
                    name: string;
                    arguments: string;
                }[];
                turnId?: string;
                error?: string;
            } | {
                /** @enum {string} */
                role: "tool";
                toolCallId: string;
                name: string;
                content: string;
                turnId?: string;
            })[];
            summary?: {
                text: string;
                coveredMessages: number;
            };
            pendingApprovals: {
                approvalId: string;
                turnId: string;
                toolCallId: string;
                tool: string;
                /** @description JSON-encoded arguments the model wants to call the tool with */
                arguments: string;
                /** @description ISO time */
                requestedAt: string;
                /** @description ISO time; no decision by then counts as a denial */
                expiresAt: string;
                /** @description Set when a delegated agent asks; the decision is still made on this session */
                delegationId?: string;
                /** @description The agent whose tool call it is */
                agent?: string;
            }[];
            usage: {
                promptTokens: number;
                completionTokens: number;
                totalTokens: number;
                /** @description What the calls cost in US dollars, from the model price table (unset: no price known) */
                costUsd?: number;
            };
            turns: number;
            /** @description messages waiting for the running turn to end */
            queued: number;
            createdAt: string;
            lastActivityAt: string;
            closedReason?: string;
            generation: number;
        };
        TurnResult: {
            turnId: string;
            /** @enum {string} */
            status: "completed" | "failed" | "interrupted" | "cancelled";
            reply?: string;
            error?: string;
            usage: {
                promptTokens: number;
                completionTokens: number;
                totalTokens: number;
                /** @description What the calls cost in US dollars, from the model price table (unset: no price known) */
                costUsd?: number;
            };
            /** @description The parsed final answer (JSON) when the agent has an outputSchema */
            structured?: unknown;
        };
        /** @description The first turn waits for a tool approval: approve or deny it (POST /v1/sessions/{id}/approvals/{approvalId}) and follow /events for the reply */
        PendingTurn: {
            turnId: string;
            /** @enum {string} */
            status: "awaiting_approval";
            approvals: {
                approvalId: string;
                turnId: string;
                toolCallId: string;
                tool: string;
                /** @description JSON-encoded arguments the model wants to call the tool with */
                arguments: string;
                /** @description ISO time */
                requestedAt: string;
                /** @description ISO time; no decision by then counts as a denial */
                expiresAt: string;
                /** @description Set when a delegated agent asks; the decision is still made on this session */
                delegationId?: string;
                /** @description The agent whose tool call it is */
                agent?: string;
            }[];
        };
        CreateSessionRequest: {
            /** @description Client-chosen session id (default: derived from the Idempotency-Key, else random). A repeat with the same id and body answers the same session; another body answers 409. */
            id?: string;
            /** @description First user message; its turn result is returned as `reply` */
            message?: string;
            /**
             * @description Agent profile name (default "assistant")
             * @example assistant
             */
            agent?: string;
            /** @description Session tool allowlist (names or globs), intersected with the agent profile's tools */
            tools?: string[];
            /** @description Idle time after which the session closes itself (ms) */
            idleTimeoutMs?: number;
            /** @description When the tenant's spending budget is spent: turns wait (status waiting_budget) for a top-up or the next period (default), or fail at once (false) */
            waitForBudget?: boolean;
        };
        SessionList: {
            sessions: components["schemas"]["SessionSummary"][];
        };
        SessionSummary: {
            id: string;
            /** @enum {string} */
            status: "running" | "closed" | "continued_as_new" | "failed" | "cancelled" | "terminated" | "timed_out" | "unknown";
            agent?: string;
            /** @description ISO time the current run started */
            startTime: string;
            closeTime?: string;
        };
        MessageAccepted: {
            /** @enum {boolean} */
            accepted: true;
            sessionId: string;
        };
        SendMessageRequest: {
            text: string;
            /** @description Cancel the running turn (if any) and answer this message next */
            interrupt?: boolean;
        };
        ApprovalAccepted: {
            /** @enum {boolean} */
            accepted: true;
        };
        ApprovalDecision: {
            approve: boolean;
            reason?: string;
        };
        CancelTurnResult: {
            turnId: string;
            /** @description false: the turn had already ended (or never existed); nothing changed */
            cancelled: boolean;
            /**
             * @description What the turn was when the cancel arrived
             * @enum {string}
             */
            was: "running" | "queued" | "ended";
        };
        Agent: {
            /**
             * @description What the agent does (shown to agents that may hand off or delegate to it, and on its A2A card)
             * @default
             */
            description?: string;
            /** @description The system prompt */
            instructions: string;
            /** @description Model alias or provider model id, or aliases tried in order on retryable errors (default: the deployment default, HUB_MODEL) */
            model?: string | string[];
            /** @default 0.2 */
            temperature?: number;
            /**
             * @description Tool allowlist: exact names and globs (`*`, `server__*`)
             * @default []
             */
            tools?: string[];
            /**
             * @description Most model calls of one turn that may call tools
             * @default 8
             */
            maxToolRounds?: number;
            /**
             * @description Agents it may transfer the conversation to (offered as tools `transfer_to_<name>`)
             * @default []
             */
            handoffs?: string[];
            /**
             * @description Agents (or remote A2A agents) it may call as tools (`ask_<name>`); each call runs as a child workflow
             * @default []
             */
            delegates?: string[];
            /** @description JSON Schema of a structured final answer */
            outputSchema?: {
                [key: string]: unknown;
            };
            /** @description Agent name (a slug) */
            name: string;
            version: number;
            /**
             * @description builtin: ships with the hub; config: hub.config.json (read-only); api: defined by this tenant
             * @enum {string}
             */
            source: "builtin" | "config" | "api" | "remote";
            /** @description ISO time */
            createdAt: string;
            /** @description ISO time of this version */
            updatedAt: string;
        };
        AgentDefinition: {
            /**
             * @description What the agent does (shown to agents that may hand off or delegate to it, and on its A2A card)
             * @default
             */
            description?: string;
            /** @description The system prompt */
            instructions: string;
            /** @description Model alias or provider model id, or aliases tried in order on retryable errors (default: the deployment default, HUB_MODEL) */
            model?: string | string[];
            /** @default 0.2 */
            temperature?: number;
            /**
             * @description Tool allowlist: exact names and globs (`*`, `server__*`)
             * @default []
             */
            tools?: string[];
            /**
             * @description Most model calls of one turn that may call tools
             * @default 8
             */
            maxToolRounds?: number;
            /**
             * @description Agents it may transfer the conversation to (offered as tools `transfer_to_<name>`)
             * @default []
             */
            handoffs?: string[];
            /**
             * @description Agents (or remote A2A agents) it may call as tools (`ask_<name>`); each call runs as a child workflow
             * @default []
             */
            delegates?: string[];
            /** @description JSON Schema of a structured final answer */
            outputSchema?: {
                [key: string]: unknown;
            };
            /** @description Agent name (a slug) */
            name: string;
        };
        AgentList: {
            agents: components["schemas"]["Agent"][];
        };
        AgentDefinitionUpdate: {
            /**
             * @description What the agent does (shown to agents that may hand off or delegate to it, and on its A2A card)
             * @default
             */
            description?: string;
            /** @description The system prompt */
            instructions: string;
            /** @description Model alias or provider model id, or aliases tried in order on retryable errors (default: the deployment default, HUB_MODEL) */
            model?: string | string[];
            /** @default 0.2 */
            temperature?: number;
            /**
             * @description Tool allowlist: exact names and globs (`*`, `server__*`)
             * @default []
             */
            tools?: string[];
            /**
             * @description Most model calls of one turn that may call tools
             * @default 8
             */
            maxToolRounds?: number;
            /**
             * @description Agents it may transfer the conversation to (offered as tools `transfer_to_<name>`)
             * @default []
             */
            handoffs?: string[];
            /**
             * @description Agents (or remote A2A agents) it may call as tools (`ask_<name>`); each call runs as a child workflow
             * @default []
             */
            delegates?: string[];
            /** @description JSON Schema of a structured final answer */
            outputSchema?: {
                [key: string]: unknown;
            };
            /** @description Left out, or the path's name */
            name?: string;
        };
        AgentDeleted: {
            /** @description The deleted agent */
            deleted: string;
        };
        AgentVersions: {
            /** @description Kept versions, newest first */
            versions: components["schemas"]["Agent"][];
        };
        JsonRpcError: {
            /** @enum {string} */
            jsonrpc: "2.0";
            id: string | number | null;
            error: {
                code: number;
                message: string;
                data?: unknown;
            };
        };
        /**
         * @description A JSON-RPC 2.0 message of the Model Context Protocol (a request, notification or response)
         * @example {
         *       "jsonrpc": "2.0",
         *       "id": 1,
         *       "method": "tools/call",
         *       "params": {
         *         "name": "chat",
         *         "arguments": {
         *           "message": "What is 6*7?"
         *         }
         *       }
         *     }
         */
        JsonRpcMessage: {
            /** @enum {string} */
            jsonrpc: "2.0";
            /** @description Absent for notifications */
            id?: string | number;
            /** @example tools/call */
            method: string;
            params?: {
                [key: string]: unknown;
            };
        };
        McpServer: {
            name: string;
            /** @enum {string} */
            source: "config" | "api";
            config: {
                command: string;
                args?: string[];
                env?: {
                    [key: string]: string;
                };
                cwd?: string;
                requiresApproval?: boolean | string[];
                timeouts?: {
                    callMs?: number;
                    heartbeatMs?: number;
                };
                disabled?: boolean;
                trustNewTools?: boolean;
            } | {
                /** Format: uri */
                url: string;
                headers?: {
                    [key: string]: string;
                };
                requiresApproval?: boolean | string[];
                timeouts?: {
                    callMs?: number;
                    heartbeatMs?: number;
                };
                disabled?: boolean;
                trustNewTools?: boolean;
            };
            status: {
                /** @enum {string} */
                state: "unknown" | "connected" | "error";
                error?: string;
                checkedAt?: string;
            };
            tools: {
                name: string;
                description?: string;
                inputSchema: {
                    [key: string]: unknown;
                };
                hash: string;
                pinnedHash: string;
                /** @enum {string} */
                status: "enabled" | "flagged";
                flaggedReason?: string;
                missing?: boolean;
            }[];
            pinnedAt?: string;
        };
        McpServerRegistration: {
            command: string;
            args?: string[];
            env?: {
                [key: string]: string;
            };
            cwd?: string;
            requiresApproval?: boolean | string[];
            timeouts?: {
                callMs?: number;
                heartbeatMs?: number;
            };
            disabled?: boolean;
            trustNewTools?: boolean;
            name: string;
        } | {
            /** Format: uri */
            url: string;
            headers?: {
                [key: string]: string;
            };
            requiresApproval?: boolean | string[];
            timeouts?: {
                callMs?: number;
                heartbeatMs?: number;
            };
            disabled?: boolean;
            trustNewTools?: boolean;
            name: string;
        };
        McpServerList: {
            servers: components["schemas"]["McpServer"][];
        };
        RemoteAgent: {
            cardName: string;
            description: string;
            skills: {
                id: string;
                name: string;
                description?: string;
            }[];
            /** Format: uri */
            url: string;
            protocolVersion: string;
            streaming: boolean;
            version?: string;
            name: string;
            cardUrl: string;
            /** @enum {string} */
            source: "remote";
            /** @description Names of the headers sent to the remote (values are never returned) */
            headerNames: string[];
            createdAt: string;
            updatedAt: string;
        };
        /** @description A remote A2A agent to use as a delegate: its agent card URL and the headers to send it (values are never returned) */
        RemoteAgentRegistration: {
            name: string;
            /** Format: uri */
            cardUrl: string;
            headers?: {
                [key: string]: string;
            };
        };
        RemoteAgentList: {
            remotes: components["schemas"]["RemoteAgent"][];
        };
        TaskAccepted: {
            id: string;
        };
        CreateTask: {
            steps: {
                /** @description "server/tool" for a tool of an MCP server, or the name of a built-in tool */
                tool: string;
                args: {
                    [key: string]: unknown;
                };
                /** @description Undoes this step when it or a later step fails or the task is cancelled, unless the step is known not to have run */
                compensate?: {
                    /** @description "server/tool" for a tool of an MCP server, or the name of a built-in tool */
                    tool: string;
                    /** @description Arguments of the compensating call. String values may reference the step: "$args" / "$args.<path>" (the step's arguments), "$result" (the step's result text) or "$result.<path>" (a field of the result when it is JSON), "$key" (the idempotency key the step's call carried). A step whose outcome is unknown (it timed out or ran out of retries: its effect may have happened) is compensated too, without a result: a compensation that must undo such a step refers to "$key" or "$args" (one that needs "$result" then fails, and the task ends compensation_failed). A leading "$$" stands for a literal "$". */
                    args: {
                        [key: string]: unknown;
                    };
                };
                /** @description How long the step may take, retries included (ms; default 600000). A step that runs out of time has an unknown outcome and is compensated. */
                timeoutMs?: number;
            }[];
        };
        Task: {
            id: string;
            tenant: string;
            /**
             * @description running: steps are running; awaiting_approval: the next step needs a human's approval (POST /v1/tasks/{id}/approvals/{approvalId}); completed: every step succeeded; failed: a step failed and there was nothing to undo; compensating: undoing completed steps; compensated: every needed compensation succeeded; compensation_failed: at least one compensation still failed after its retries (needs a human)
             * @enum {string}
             */
            status: "running" | "awaiting_approval" | "completed" | "failed" | "compensating" | "compensated" | "compensation_failed";
            steps: {
                index: number;
                tool: string;
                /** @enum {string} */
                status: "pending" | "awaiting_approval" | "running" | "completed" | "failed" | "skipped";
                result?: string;
                error?: string;
                outcomeUnknown?: boolean;
                compensation?: {
                    tool: string;
                    /**
                     * @description not_needed: the step is known not to have run (it answered an error, was refused before it was sent, was denied, or never started); registered: will run if the task fails (also when the step's outcome is unknown: it timed out, ran out of retries or was cancelled mid-call)
                     * @enum {string}
                     */
                    status: "not_needed" | "registered" | "running" | "completed" | "failed";
                    result?: string;
                    error?: string;
                };
            }[];
            error?: string;
            cancelled?: boolean;
            pendingApprovals?: {
                /** @description step-<index> */
                approvalId: string;
                index: number;
                tool: string;
                /** @description JSON-encoded arguments the step will call the tool with */
                arguments: string;
                /** @description ISO time */
                requestedAt: string;
                /** @description ISO time; no decision by then counts as a denial */
                expiresAt: string;
            }[];
        };
        TaskCancelAccepted: {
            /** @enum {boolean} */
            accepted: true;
            id: string;
        };
        ResearchAccepted: {
            id: string;
        };
        CreateResearch: {
            question: string;
            /** @default 5 */
            maxAgents?: number;
            /** @description Most sub-agents running at once (default and maximum 500) */
            concurrency?: number;
            /** @description The agent every sub-agent runs ("name" or "name@version"; default: researcher) */
            agent?: string;
            /** @description The agent that splits the question (structured output; default: research-planner) */
            planner?: string;
            /** @description The agent that writes the report (default: research-synthesizer) */
            synthesizer?: string;
            /** @description Tools the sub-agents may use (names or globs; default: the profile's) */
            tools?: string[];
            policy?: {
                /**
                 * @description The job succeeds when at least this share of its sub-agents succeed (default 0.5)
                 * @default 0.5
                 */
                minSuccessRatio?: number;
                /** @description Time the sub-agents have, from the job start (e.g. "90s", "10m", "2h"); agents still running then are cancelled and count as timed out */
                deadline?: string;
            };
            budget?: {
                /** @description Token budget of the whole job (planner, agents, synthesizer); when spent, no new agents start */
                tokens?: number;
                /** @description Token budget of each sub-agent; an agent over it must answer with what it has */
                perAgentTokens?: number;
            };
            /** @description When the tenant's spending budget is spent: agents wait for a top-up or the next period (default), or fail at once (false) */
            waitForBudget?: boolean;
        };
        ResearchList: {
            jobs: components["schemas"]["ResearchSummary"][];
        };
        ResearchSummary: {
            id: string;
            /** @description The question (first 200 characters) */
            question: string;
            /**
             * @description Workflow status; a finished job tells its outcome (completed, failed, cancelled) in GET /v1/research/{id}
             * @enum {string}
             */
            status: "running" | "finished" | "failed" | "terminated" | "timed_out" | "cancelled" | "unknown";
            startTime: string;
            closeTime?: string;
        };
        ResearchJob: {
            id: string;
            tenant: string;
            question: string;
            /**
             * @description planning: the planner is splitting the question; running: sub-agents are working; waiting_budget: sub-agents wait for the tenant's budget (a top-up or the next period); synthesizing: the report is being written; completed: a report was written (enough agents succeeded); failed: planning failed or too few agents succeeded; cancelled: cancelled, partial results kept
             * @enum {string}
             */
            status: "planning" | "running" | "waiting_budget" | "synthesizing" | "completed" | "failed" | "cancelled";
            maxAgents: number;
            plan?: {
                requested: number;
                planned: number;
                capped: boolean;
                attempts: number;
            };
            progress: {
                total: number;
                pending: number;
                running: number;
                succeeded: number;
                /** @description failed, timed out, cancelled or skipped */
                failed: number;
                /** @description share of sub-agents that have finished, in percent */
                percent: number;
            };
            agents: {
                index: number;
                question: string;
                /** @enum {string} */
                status: "pending" | "running" | "succeeded" | "failed" | "timed_out" | "cancelled" | "skipped";
                error?: string;
                totalTokens?: number;
            }[];
            usage: {
                promptTokens: number;
                completionTokens: number;
                totalTokens: number;
                /** @description What the calls cost in US dollars, from the model price table (unset: no price known) */
                costUsd?: number;
            };
            budget: {
                tokens?: number;
                perAgentTokens?: number;
                exhausted: boolean;
            };
            deadlinePassed: boolean;
            /** @description Batch workflows used (0: the job runs its agents itself) */
            batches: number;
            error?: string;
            result?: {
                report: string;
                citations: {
                    /** @description The [n] marker in the report */
                    ref: number;
                    /** @description Index of the sub-agent whose finding it cites */
                    agent: number;
                    question: string;
                    sources: string[];
                }[];
                findings: {
                    index: number;
                    workflowId: string;
                    /** @enum {string} */
                    status: "succeeded" | "failed" | "timed_out" | "cancelled";
                    answer?: string;
                    error?: string;
                    toolCalls: {
                        tool: string;
                        /** @description JSON arguments (cut to 500 characters) */
                        arguments: string;
                        ok: boolean;
                    }[];
                    sources: string[];
                    usage: {
                        promptTokens: number;
                        completionTokens: number;
                        totalTokens: number;
                        /** @description What the calls cost in US dollars, from the model price table (unset: no price known) */
                        costUsd?: number;
                    };
                    budgetExhausted?: boolean;
                }[];
                failures: {
                    index: number;
                    /** @enum {string} */
                    status: "pending" | "running" | "succeeded" | "failed" | "timed_out" | "cancelled" | "skipped";
                    reason: string;
                }[];
                policy: {
                    minSuccessRatio: number;
                    successRatio: number;
                    met: boolean;
                };
                /** @description What limited the job, e.g. the token budget or the deadline */
                notes: string[];
                /** @description Successful findings left out of this answer to keep it within the payload limit (large jobs) */
                findingsOmitted?: number;
                /** @description Failures left out of this answer to keep it within the payload limit (large jobs) */
                failuresOmitted?: number;
            };
            createdAt: string;
            finishedAt?: string;
        };
        ResearchCancelAccepted: {
            /** @enum {boolean} */
            accepted: true;
            id: string;
        };
        Usage: {
            from: string;
            to: string;
            groupBy: ("tenant" | "agent" | "model" | "day")[];
            rows: components["schemas"]["UsageRow"][];
            total: components["schemas"]["UsageRow"];
            /** @description The key's tenant, and whether it is an admin key (sees every tenant) */
            caller: {
                tenant: string;
                admin: boolean;
            };
            /** @description An admin's every-tenant view: tenants whose ledger did not answer in time (their usage is not in the rows) */
            unavailable?: string[];
        };
        UsageRow: {
            tenant?: string;
            agent?: string;
            model?: string;
            day?: string;
            calls: number;
            promptTokens: number;
            completionTokens: number;
            totalTokens: number;
            usd: number;
        };
        BudgetState: {
            tenant: string;
            limits?: components["schemas"]["BudgetLimits"];
            /** @enum {string} */
            source: "admin" | "config" | "none";
            periodStart: string;
            periodEnd: string;
            spent: {
                usd: number;
                tokens: number;
                calls: number;
            };
            toppedUp: {
                usd: number;
                tokens: number;
            };
            /** @description Held by calls in flight and by the workers' budget blocks */
            reserved: {
                usd: number;
                tokens: number;
                /** @description Calls in flight */
                leases: number;
                /** @description Workers' budget blocks open (their unspent remainder is in usd/tokens) */
                blocks: number;
            };
            queued: number;
            exhausted: boolean;
            waiting: number;
            abandoned: number;
        };
        BudgetLimits: {
            /**
             * @description When the spending budget starts again (UTC); default day
             * @enum {string}
             */
            period?: "hour" | "day" | "month";
            /** @description US dollars per period */
            usd?: number;
            /** @description Tokens per period */
            tokens?: number;
            /** @description Requests per minute, per provider */
            rpm?: number;
            /** @description Tokens per minute, per provider */
            tpm?: number;
            /** @description Caps of single agents, in the same period */
            agents?: {
                [key: string]: {
                    /** @description US dollars per period */
                    usd?: number;
                    /** @description Tokens per period */
                    tokens?: number;
                };
            };
        };
        SetBudget: {
            /** @description null: back to the configured limits */
            limits: {
                /**
                 * @description When the spending budget starts again (UTC); default day
                 * @enum {string}
                 */
                period?: "hour" | "day" | "month";
                /** @description US dollars per period */
                usd?: number;
                /** @description Tokens per period */
                tokens?: number;
                /** @description Requests per minute, per provider */
                rpm?: number;
                /** @description Tokens per minute, per provider */
                tpm?: number;
                /** @description Caps of single agents, in the same period */
                agents?: {
                    [key: string]: {
                        /** @description US dollars per period */
                        usd?: number;
                        /** @description Tokens per period */
                        tokens?: number;
                    };
                };
            } | null;
        };
        BudgetTopup: {
            usd?: number;
            tokens?: number;
            note?: string;
        };
        CodecPayloads: {
            payloads: components["schemas"]["CodecPayload"][];
        };
        CodecPayload: {
            /** @description Metadata values, base64 */
            metadata?: {
                [key: string]: string;
            };
            /** @description Payload bytes, base64 */
            data?: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
