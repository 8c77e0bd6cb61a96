# Nexus Bank API and projector image: the compiled service on Node 24 LTS.
#
#   docker build -t nexus-bank .
#   docker run -p 8000:8000 -e JWT_SECRET=... -e DATABASE_URL=postgres://... nexus-bank
#   docker run ... nexus-bank node dist/src/projections/main.js   # the projector
#
# Without DATABASE_URL the service runs on the embedded PGlite in /app/data (a
# volume there keeps it): for trying it out, not for production.
ARG NODE_IMAGE=node:24.22.3-slim

# --- build: every dependency, tsc, and the PGlite cluster template (dist/) ---
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY openapi ./openapi
# The staff console (Vite) is built into dist/console by the same npm run build.
COPY console ./console
RUN npm run build

# --- runtime: production dependencies, the compiled code and the files it reads ---
FROM ${NODE_IMAGE} AS runtime
# tini runs as PID 1: it passes SIGTERM to node and reaps zombies.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    DATA_DIR=/app/data
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY openapi ./openapi
# The code stays owned by root (read-only to the service); only the PGlite data
# folder (used when DATABASE_URL is unset) is writable by the runtime user.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=6 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
# node itself, never npm start: npm does not pass SIGTERM on, and the server would be orphaned.
CMD ["node", "dist/src/main.js"]
