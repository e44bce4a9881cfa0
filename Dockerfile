# syntax=docker/dockerfile:1
# One image for the hub and for a community node (docs/deploy.md):
#   docker build -t lilong .
#   docker run ... lilong hub     # or LILONG_ROLE=hub
#   docker run ... lilong node    # or LILONG_ROLE=node
# Build stage: every dependency, `npm run build` (tsc -b to each package's dist/, and the data console).
# Runtime stage: only the hub's and the node's production dependencies, the build, and the few files read at run
# time; runs as the unprivileged `node` user and never writes to its file system (a read-only root is fine).

ARG NODE_VERSION=20.20.2

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
# The manifests first, so that the dependency layer is rebuilt only when they change.
COPY package.json package-lock.json ./
COPY schema/package.json schema/
COPY subgraphs/kit/package.json subgraphs/kit/
COPY subgraphs/groups/package.json subgraphs/groups/
COPY subgraphs/shops/package.json subgraphs/shops/
COPY subgraphs/volunteers/package.json subgraphs/volunteers/
COPY subgraphs/info/package.json subgraphs/info/
COPY subgraphs/webhooks/package.json subgraphs/webhooks/
COPY subgraphs/node/package.json subgraphs/node/
COPY gateway/package.json gateway/
COPY gateway/console/package.json gateway/console/
COPY ops/package.json ops/
COPY tests/package.json tests/
# No install scripts: the root `prepare` builds the console from sources not copied yet (npm run build does it).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/schema/package.json schema/
COPY --from=build /app/subgraphs/kit/package.json subgraphs/kit/
COPY --from=build /app/subgraphs/groups/package.json subgraphs/groups/
COPY --from=build /app/subgraphs/shops/package.json subgraphs/shops/
COPY --from=build /app/subgraphs/volunteers/package.json subgraphs/volunteers/
COPY --from=build /app/subgraphs/info/package.json subgraphs/info/
COPY --from=build /app/subgraphs/webhooks/package.json subgraphs/webhooks/
COPY --from=build /app/subgraphs/node/package.json subgraphs/node/
COPY --from=build /app/gateway/package.json gateway/
COPY --from=build /app/gateway/console/package.json gateway/console/
COPY --from=build /app/ops/package.json ops/
COPY --from=build /app/tests/package.json tests/
# The hub's and the node's own dependencies only (each workspace declares what it imports; see
# tests/src/packages.test.ts): no compiler, test tools, embedded PostgreSQL or console tool chain.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --workspace=@lilong/gateway --workspace=@lilong/node \
    && npm cache clean --force
COPY --from=build /app/schema/dist schema/dist
COPY --from=build /app/schema/sdl schema/sdl
COPY --from=build /app/schema/supergraph.graphql schema/
COPY --from=build /app/subgraphs/kit/dist subgraphs/kit/dist
COPY --from=build /app/subgraphs/groups/dist subgraphs/groups/dist
COPY --from=build /app/subgraphs/shops/dist subgraphs/shops/dist
COPY --from=build /app/subgraphs/volunteers/dist subgraphs/volunteers/dist
COPY --from=build /app/subgraphs/info/dist subgraphs/info/dist
COPY --from=build /app/subgraphs/webhooks/dist subgraphs/webhooks/dist
COPY --from=build /app/subgraphs/node/dist subgraphs/node/dist
COPY --from=build /app/gateway/dist gateway/dist
COPY --from=build /app/gateway/console/dist gateway/console/dist
# The notice verifier serves its browser code compiled (by swc, at first request) from these sources.
COPY --from=build /app/gateway/src/verifier gateway/src/verifier
COPY --from=build /app/schema/src/signed.ts schema/src/
COPY --from=build /app/ops/bin/serve.js /app/ops/bin/healthcheck.js /app/ops/bin/sub-district-keys.js ops/bin/
USER node
EXPOSE 4000
# Liveness /livez, readiness /readyz (Kubernetes probes them directly; see deploy/k8s).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["node", "ops/bin/healthcheck.js"]
ENTRYPOINT ["node", "ops/bin/serve.js"]
CMD ["hub"]
