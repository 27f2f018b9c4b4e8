# syntax=docker/dockerfile:1
#
# The hub's Temporal worker (apps/worker): session, research and task workflows, the LLM and tool
# activities. Run as many as you need against one Temporal namespace. Build from the repository root:
#
#   docker build -f infra/deploy/worker.Dockerfile -t agent-hub-worker .
#
# The context is filtered by worker.Dockerfile.dockerignore. Stages: manifests → build (all dependencies; the
# prebuilt workflow bundle and the compiled worker, as `npm run provision` makes them) and prod-deps →
# runtime (node, non-root).

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS manifests
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
# The npm of package.json's packageManager (node:20 ships npm 10).
RUN npm install -g npm@11.19.1 && npm cache clean --force
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps/cli/package.json apps/cli/
COPY apps/gateway/package.json apps/gateway/
COPY apps/local-llm/package.json apps/local-llm/
COPY apps/web/package.json apps/web/
COPY apps/worker/package.json apps/worker/
COPY agents/package.json agents/
COPY tools/package.json tools/
COPY workflows/package.json workflows/
COPY workflows/contracts/package.json workflows/contracts/
COPY infra/runtime/package.json infra/runtime/
COPY infra/dev/package.json infra/dev/
COPY infra/testing/package.json infra/testing/
COPY infra/e2e/package.json infra/e2e/
COPY infra/bench/package.json infra/bench/
COPY infra/deploy/package.json infra/deploy/

FROM manifests AS build
# --ignore-scripts: no install script is needed to build (see gateway.Dockerfile).
RUN npm ci --ignore-scripts
COPY . .
# The workflow bundle (webpack) and the compiled worker (esbuild) into node_modules/.cache, each kept under a
# hash of its inputs; the worker checks the hash at start and uses them (a start of about 1.5 s).
RUN npm run provision -- --only workflow-bundle,worker-entry

FROM manifests AS prod-deps
# Production dependencies only; the local model server (node-llama-cpp, ~700 MB) is not part of this image.
RUN npm ci --omit=dev --ignore-scripts \
 && rm -rf node_modules/node-llama-cpp node_modules/@node-llama-cpp \
 && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HUB_DATA_DIR=/data \
    HUB_METRICS_PORT=19464 \
    HUB_METRICS_HOST=0.0.0.0 \
    HUB_WORKER_SHUTDOWN_GRACE_MS=30000
WORKDIR /app
COPY --from=prod-deps /app ./
# The same sources as the build stage (same context), so the bundle's and the compiled worker's hashes match.
COPY . .
COPY --from=build /app/node_modules/.cache/hub-workflow-bundle ./node_modules/.cache/hub-workflow-bundle
COPY --from=build /app/node_modules/.cache/hub-worker ./node_modules/.cache/hub-worker
RUN mkdir -p /data && chown node:node /data
USER node
# Prometheus metrics (Temporal SDK runtime and hub metrics) on HUB_METRICS_PORT.
EXPOSE 19464
# SIGTERM: the worker stops polling, lets running activities finish for HUB_WORKER_SHUTDOWN_GRACE_MS (then
# cancels them), flushes usage settlements and exits. Give it longer than that before a SIGKILL
# (docker stop -t / compose stop_grace_period / terminationGracePeriodSeconds).
STOPSIGNAL SIGTERM
# Alive while its metrics listener answers (the worker serves no other route; with HUB_METRICS_PORT unset there
# is nothing to ask and the check passes). Whether it polls: `temporal task-queue describe --task-queue agent-hub`.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["node", "-e", "const p=process.env.HUB_METRICS_PORT;if(!p)process.exit(0);fetch('http://127.0.0.1:'+p+'/metrics').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "apps/worker/bin/worker.mjs"]
