# Nexus Bank API / projector image. The service runs TypeScript through tsx
# (package.json "start"), so the dev dependencies are installed too.
FROM node:24-slim

WORKDIR /app

# Dependencies first, so a source change does not re-run npm ci.
# --include=dev: tsx (the runner of `npm start`) is a dev dependency.
COPY package.json package-lock.json ./
RUN npm ci --include=dev --no-audit --no-fund && npm cache clean --force

COPY . .

# The code stays owned by root (read-only to the service); only the PGlite data
# folder (used when DATABASE_URL is unset) is writable by the runtime user.
RUN mkdir -p /app/data && chown node:node /app/data

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    DATA_DIR=/app/data

USER node

EXPOSE 8000

CMD ["npm", "start"]
