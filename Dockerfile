# One image for every process of the platform (api, worker, seed); docker-compose.yml picks the command.
# Node 24 (LTS; Node 20 is past end of life), pinned by digest (docs/deploy.md#images);
# deploy/pin-images.sh refreshes both FROM lines.
FROM node:24-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY shared ./shared
COPY services ./services
COPY workers ./workers
COPY scripts ./scripts
COPY bench ./bench
# `npm run build`, spelled out: tsc, then the dashboard bundle (esbuild, a dev dependency, so
# before the prune) into dist/dashboard, which the runtime image gets with dist/.
RUN npx tsc -p tsconfig.build.json && node dist/scripts/build-dashboard.js && npm prune --omit=dev

FROM node:24-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/services/api/kiosk/public ./services/api/kiosk/public
# The monthly report's PDF is rendered by Chromium (shared/reports/pdf.ts), which needs fonts with
# Lao glyphs: Noto Sans Lao and Noto Sans (fonts-noto-core), Phetsarath OT (fonts-lao).
RUN apt-get update \
  && apt-get install -y --no-install-recommends chromium fonts-noto-core fonts-lao \
  && rm -rf /var/lib/apt/lists/*
ENV CHROMIUM_PATH=/usr/bin/chromium
USER node
EXPOSE 3000
CMD ["node", "dist/services/api/main.js"]
