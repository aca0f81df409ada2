# The web image: Nginx serving the Angular build and proxying /api to the gateway.
#
# Build from the repository root (docker-compose.yml does this):
#   docker build -f deploy/docker/web.Dockerfile -t books-catalogue/web .
#
# build   the whole workspace: `npm ci`, then `nx build web` (the same `npm ci` layer as the
#         other two images, so BuildKit runs it once).
# runtime nginxinc/nginx-unprivileged: the official Nginx build, run as uid 101 on port
#         8080, with the official image's entrypoint. That entrypoint renders
#         /etc/nginx/templates/*.template into /etc/nginx/conf.d/ with envsubst at start;
#         deploy/nginx/default.conf.template is the one Nginx config, shared with local runs.

FROM node:24.21.0-bookworm-slim AS build
WORKDIR /workspace
# A one-off build: no Nx daemon, cloud or terminal UI; no install-time analytics (@scarf/scarf).
ENV NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false SCARF_ANALYTICS=false
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm,sharing=locked npm ci --no-audit --no-fund
COPY . .
RUN npx nx build web --output-style=static

FROM nginxinc/nginx-unprivileged:1.30.4-alpine-slim AS runtime
# The template's variables. Only these are substituted (NGINX_ENVSUBST_FILTER), so
# Nginx's own $host, $uri and the like, and any other environment variable, stay as they are.
# GATEWAY_ADDRESS and SECOND_GATEWAY_ADDRESS (the two gateways it balances over; give the
# same address twice for one) are resolved once, when Nginx starts (docker-compose.yml
# restarts web when a gateway is recreated).
ENV NGINX_LISTEN=8080 \
    GATEWAY_ADDRESS=gateway:3000 \
    SECOND_GATEWAY_ADDRESS=gateway-2:3000 \
    WEB_ROOT=/usr/share/nginx/web \
    NGINX_SNIPPETS=/etc/nginx/snippets \
    EVENT_STREAMS_PER_CLIENT=32 \
    SERVER_NAMES="localhost 127.0.0.1" \
    IDENTITY_ORIGIN=http://localhost:8081 \
    NGINX_ENVSUBST_FILTER="^(NGINX_LISTEN|GATEWAY_ADDRESS|SECOND_GATEWAY_ADDRESS|WEB_ROOT|NGINX_SNIPPETS|EVENT_STREAMS_PER_CLIENT|SERVER_NAMES|IDENTITY_ORIGIN)$"
# The stock server (the welcome page on 8080) goes: the rendered template is the only
# server. /etc/nginx belongs to uid 101 in this image, so no root step is needed.
RUN rm -f /etc/nginx/conf.d/default.conf
# The image's own nginx.conf, with the workers sized for the catalogue's viewers.
COPY deploy/nginx/nginx.conf /etc/nginx/nginx.conf
COPY deploy/nginx/default.conf.template /etc/nginx/templates/default.conf.template
COPY deploy/nginx/security-headers.conf /etc/nginx/snippets/security-headers.conf
# Owned by root, readable by Nginx: the server cannot change what it serves.
COPY --from=build /workspace/dist/apps/web/browser/ /usr/share/nginx/web/
USER 101
EXPOSE 8080
# The app shell from Nginx itself: the web server is healthy while the gateway is down
# (it then answers /api with a 503 problem+json). The port follows NGINX_LISTEN (8080 or
# host:8080). BusyBox wget: the image has no curl.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD wget -q -O /dev/null "http://127.0.0.1:${NGINX_LISTEN##*:}/index.html" || exit 1
