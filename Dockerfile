# syntax=docker/dockerfile:1.7
# ExitBot server image: build the widget bundles with pnpm, run the server on a slim Node 24 image
# as a non-root user with production dependencies only. Node 24 runs the TypeScript sources directly
# (type stripping), so the runtime image keeps the workspace layout: packages/*/src plus widget/dist.
# Node does not strip types inside node_modules: @exitbot/sdk must stay a workspace link to
# packages/sdk (pnpm's symlink resolves to the real path), never a copy under node_modules.
# Checked without Docker by tests/deploy/image.test.ts (it replays these steps and starts the CMD).

ARG NODE_VERSION=24
ARG PNPM_VERSION=10.34.8

FROM node:${NODE_VERSION}-bookworm-slim AS base
ARG PNPM_VERSION
ENV PNPM_HOME=/pnpm PATH=/pnpm:$PATH CI=true
RUN npm install -g pnpm@${PNPM_VERSION} && npm cache clean --force
WORKDIR /app

FROM base AS build
# The compose dev profile runs this stage as `node` with the shared key volume on /data: a volume first
# mounted here must come out writable for `node`, as it does from the runtime stage.
RUN mkdir -p /data && chown node:node /data
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json .npmrc ./
RUN --mount=type=cache,id=pnpm,target=/pnpm/store pnpm fetch
COPY . .
RUN --mount=type=cache,id=pnpm,target=/pnpm/store pnpm install --offline --frozen-lockfile
RUN pnpm --filter @exitbot/widget build

FROM base AS prod-deps
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json .npmrc ./
COPY packages/sdk/package.json packages/sdk/
COPY packages/server/package.json packages/server/
RUN --mount=type=cache,id=pnpm,target=/pnpm/store \
    pnpm install --prod --frozen-lockfile --filter "@exitbot/server..."

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 EXITBOT_DATA_DIR=/data
WORKDIR /app
# Code and dependencies stay owned by root (read-only for the server); only /data is writable.
COPY --from=prod-deps /app ./
COPY packages/sdk/src packages/sdk/src
COPY packages/server/src packages/server/src
COPY --from=build /app/packages/widget/dist packages/widget/dist
# `exitbot <command>` on the PATH (docker exec ... exitbot tenant create --name Acme); /data for PGlite and keys.
RUN printf '#!/bin/sh\nexec node /app/packages/server/src/cli.ts "$@"\n' > /usr/local/bin/exitbot \
  && chmod 755 /usr/local/bin/exitbot \
  && mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Migrations run on start (idempotent); `exitbot migrate` runs them alone as a release step.
CMD ["node", "packages/server/src/cli.ts", "serve"]
