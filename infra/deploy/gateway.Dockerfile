# syntax=docker/dockerfile:1
#
# The hub's gateway (apps/gateway): the HTTP API, SSE, /mcp, A2A, and the web app (apps/web, built here and
# served at /). Build from the repository root:
#
#   docker build -f infra/deploy/gateway.Dockerfile -t agent-hub-gateway .
#
# The context is filtered by gateway.Dockerfile.dockerignore (BuildKit reads <Dockerfile>.dockerignore next to
# the Dockerfile). Stages: manifests (every workspace's package.json: npm ci needs them all) → build (all
# dependencies, the web app) and prod-deps (production dependencies only) → runtime (node, non-root).

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
# --ignore-scripts: no install script is needed to build (esbuild and rolldown find their binaries in their
# optional platform packages; node-llama-cpp's is denied anyway, better-sqlite3 belongs to the benchmarks).
RUN npm ci --ignore-scripts
COPY . .
RUN npm run web:build

FROM manifests AS prod-deps
# Production dependencies only (tsx is one: the gateway runs its TypeScript through it). The local model
# server (node-llama-cpp and its prebuilt binaries, ~700 MB) is not part of this image.
RUN npm ci --omit=dev --ignore-scripts \
 && rm -rf node_modules/node-llama-cpp node_modules/@node-llama-cpp \
 && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8787 \
    HUB_DATA_DIR=/data \
    HUB_WEB_DIR=/app/apps/web/dist
WORKDIR /app
COPY --from=prod-deps /app ./
COPY . .
COPY --from=build /app/apps/web/dist ./apps/web/dist
RUN mkdir -p /data && chown node:node /data
# The image's own unprivileged user (uid 1000); the code and dependencies stay root-owned, read-only to it.
USER node
EXPOSE 8787
# /healthz is liveness (no auth, no Temporal call); 127.0.0.1 is a Host the gateway always accepts.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8787)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM: stop accepting, end SSE streams, let running requests finish (10 s), close Temporal, exit 0.
STOPSIGNAL SIGTERM
CMD ["node", "--import", "tsx", "apps/gateway/src/main.ts"]
