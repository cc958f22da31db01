# hookline: one image for both the API (dist/src/main/api.js) and the Temporal
# worker (dist/src/main/worker.js). Pick the process with the container command.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: compile TypeScript to dist/ ------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
RUN npm run build

# ---- runtime: production dependencies + compiled code ----------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
# Two malloc arenas instead of one per thread: part of the worker's memory bounds (src/main/engine-runtime.ts).
ENV MALLOC_ARENA_MAX=2
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
# dist/src/main/{api,worker}.js; the worker bundles workflow code from
# dist/workflows at start-up.
COPY --from=build /app/dist ./dist
# Migrations are read from src/db/migrations relative to the package root.
COPY --from=build /app/src/db/migrations ./src/db/migrations
# The webhook portal's page, scripts and styles are served from src/portal/assets likewise.
COPY --from=build /app/src/portal/assets ./src/portal/assets
USER node
EXPOSE 3000
CMD ["node", "dist/src/main/api.js"]
