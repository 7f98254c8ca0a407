# One image for the API, the worker and the vendor sandbox; the command picks the process.
# Node 24 LTS, the runtime package.json's engines declare (a test keeps the two in step).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY core ./core
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY migrations ./migrations
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# AUDIT_SEAL_DIR in docker-compose.yml: a named volume mounted here starts with this owner.
RUN mkdir -p /var/lib/checkout-saga/audit-seals && chown -R node:node /var/lib/checkout-saga
USER node
EXPOSE 3000 4010
CMD ["node", "dist/src/main.js"]
