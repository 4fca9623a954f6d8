# syntax=docker/dockerfile:1.7
# One image per service: docker build --build-arg APP=<service> --build-arg NODE_IMAGE=<pinned> .
#
# NODE_IMAGE has no default on purpose: the base image is pinned by digest
# (node:24-bookworm-slim@sha256:<digest>) in the repository variable NODE_IMAGE that deploy.yml
# passes in, so a rebuild never silently picks up a different Node. The build refuses anything
# that is not a node:24 image pinned by digest. Updating the pin is a reviewed change of that
# variable (docs/provisioning.md, "Container images").
ARG NODE_IMAGE

FROM ${NODE_IMAGE} AS base
ARG NODE_IMAGE
RUN case "$NODE_IMAGE" in \
      node:24*@sha256:????????????????????????????????????????????????????????????????) ;; \
      *) echo "NODE_IMAGE must be node:24-<variant>@sha256:<digest>, got '$NODE_IMAGE'" >&2; exit 1 ;; \
    esac \
 && node -e 'if (process.versions.node.split(".")[0] !== "24") { console.error("base image is Node " + process.version); process.exit(1); }'
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false

# Build: the whole workspace's dependencies (dev included), then Nx builds one app with webpack
# into dist/apps/$APP (main.js + a generated package.json and lockfile of what main.js requires).
FROM base AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci
COPY . .
ARG APP
RUN test -n "$APP" || { echo "--build-arg APP=<service> is required" >&2; exit 1; } \
 && NX_DAEMON=false NX_NO_CLOUD=true npx nx build "$APP" --skip-nx-cache \
 && test -f "dist/apps/$APP/main.js"

# Production dependencies only, from the generated manifest: no dev tooling (and not the pinned
# "node" dev dependency) reaches the runtime image. Nx's pruned lockfile can be out of sync with
# its manifest (seen here: `npm ci` fails with "Missing: string-width@7.2.0 from lock file"), so
# `npm install` resolves from it, keeping its pins wherever they are consistent.
FROM base AS prod-deps
ARG APP
WORKDIR /app
COPY --from=build /src/dist/apps/${APP}/package*.json ./
RUN --mount=type=cache,target=/root/.npm npm install --omit=dev \
 && npm cache clean --force

FROM base AS runtime
ARG APP
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080
# uid/gid 10001 match the charts' securityContext.runAsUser. The app files stay owned by root and
# read-only for the process, so the pod can run with readOnlyRootFilesystem (only /tmp is
# writable, mounted as an emptyDir by the chart).
RUN groupadd --system --gid 10001 leaf \
 && useradd --system --uid 10001 --gid leaf --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin leaf
WORKDIR /app
COPY --from=prod-deps --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /src/dist/apps/${APP}/ ./
USER 10001:10001
EXPOSE 8080
# The services drain on SIGTERM themselves (LEAF_SHUTDOWN_GRACE_MS); node is PID 1 and has handlers.
STOPSIGNAL SIGTERM
CMD ["node", "main.js"]
