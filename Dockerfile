# Stockbridge: built in one stage (dev dependencies, TypeScript, the better-sqlite3 addon), run in another with
# the runtime dependencies and dist/ only, as a non-root user. README "Container image" says how it was built here.
#
# NODE_IMAGE: any Debian-based image with Node 20+ on PATH (the official node image by default; a local stand-in
# where no registry is reachable). The build stage also needs python3, make and g++ for better-sqlite3 when no
# prebuilt binary can be downloaded (the official node:*-bookworm images have them).
ARG NODE_IMAGE=node:20-bookworm

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
COPY scripts ./scripts
# --ignore-scripts: `prepare` would build before the sources are copied; the addon is built explicitly instead.
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY routes ./routes
# Build, then drop the dev dependencies (the compiled addon stays): what is left is what runs.
RUN npm run build --silent && npm prune --omit=dev --no-audit --no-fund && rm -f dist/.tsbuildinfo

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    STOCKBRIDGE_CONFIG=/app/config/stockbridge.json \
    PORT=3000
WORKDIR /app
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json module-config.json stockbridge.example.json LICENSE ./
# A fixed uid, so a mounted data directory can be given to it (chown 10001).
RUN useradd --system --uid 10001 --no-create-home --home-dir /app stockbridge \
 && mkdir -p /app/data /app/config && chown stockbridge /app/data
USER stockbridge
VOLUME /app/data
EXPOSE 3000
# /readyz: 200 only while the hub can accept work (storage reachable, not draining). Node 20 has fetch built in.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself as PID 1 (not npm): it receives the container's SIGTERM and drains (README "Operations").
CMD ["node", "dist/src/main.js"]
