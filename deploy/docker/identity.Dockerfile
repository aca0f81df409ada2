# The identity provider image (apps/identity): OpenID Connect sign-in for the catalogue.
#
# Build from the repository root (docker-compose.yml does this):
#   docker build -f deploy/docker/identity.Dockerfile -t books-catalogue/identity .
#
# Stages as in gateway.Dockerfile: build the workspace, install the bundle's runtime
# dependencies, run the bundle as the unprivileged `node` user. Users and clients come from
# a mounted folder (deploy/identity); the signing keys from /data, a volume it may write.

FROM node:24.21.0-bookworm-slim AS build
WORKDIR /workspace
# A one-off build: no Nx daemon, cloud or terminal UI; no install-time analytics (@scarf/scarf).
ENV NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false SCARF_ANALYTICS=false
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm,sharing=locked npm ci --no-audit --no-fund
COPY . .
RUN npx nx build identity --output-style=static

FROM node:24.21.0-alpine AS deps
WORKDIR /app
COPY --from=build /workspace/dist/apps/identity/package.json /workspace/dist/apps/identity/package-lock.json ./
# No install scripts: the runtime dependencies need none, and none get to run.
RUN --mount=type=cache,target=/root/.npm,sharing=locked npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:24.21.0-alpine AS runtime
ENV NODE_ENV=production PORT=3100 IDENTITY_USERS_FILE=/data/users.json IDENTITY_CLIENTS_FILE=/etc/identity/clients.json IDENTITY_KEYS_FILE=/data/keys.json
WORKDIR /app
# Owned by root and read-only to the process: the app cannot change its own code.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /workspace/dist/apps/identity/ ./
# /data holds the signing keys and the users (written on first start when IDENTITY_GENERATE_KEYS
# and IDENTITY_GENERATE_USERS are true): a
# new volume mounted there takes this folder's owner, so `node` may write it.
RUN mkdir -p /data && chown node:node /data && chmod 700 /data
USER node
EXPOSE 3100
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 3100}/health/ready`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--max-semi-space-size=8", "--max-old-space-size=128", "--enable-source-maps", "main.js"]
