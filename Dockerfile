# syntax=docker/dockerfile:1
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY sim ./sim
COPY scripts ./scripts
# The service (dist/src/main.js, bundled) and the operator commands (dist/scripts/*.js) as plain JS, then
# production dependencies only (the bundle loads a few packages from node_modules).
RUN npm run build && npm prune --omit=dev

FROM node:24-slim
ENV NODE_ENV=production DATA_DIR=/data DOCS_DIR=/app/knowledge PORT=3000
# glibc hands blocks of 32 KiB and more back to the system when freed (V8 compiles in such blocks): 10-15 MB
# less resident memory once the service has answered (docs/reports/performance.md).
ENV MALLOC_MMAP_THRESHOLD_=32768
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
# /app/knowledge: the seller's documents, mounted read-only (docker-compose.yml); /data: store and files.
RUN mkdir -p /data /app/knowledge && chown node:node /data /app/knowledge
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Operator commands run from the build (tsx and the other dev tools are not in the image), e.g.
#   docker compose exec app node dist/scripts/register-webhook.js status
#   docker compose exec app node dist/scripts/sync-docs.js
#   docker compose exec app node dist/scripts/rotate-key.js
#   docker compose exec app node dist/scripts/ask.js "Сколько стоит доставка?"
CMD ["node", "--disable-warning=ExperimentalWarning", "dist/src/main.js"]
