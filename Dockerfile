# syntax=docker/dockerfile:1
# The phase-gate GitHub App. Not built in this project's CI; see "The GitHub App" in README.md.
#
#   docker build -t phase-gate .
#   docker run --init -p 3000:3000 -e APP_ID -e PRIVATE_KEY -e WEBHOOK_SECRET phase-gate
#
# --init: Node as PID 1 does not act on SIGTERM by default; tini (docker's --init) forwards it.

# Build: every dependency (the compiler is a dev dependency), then TypeScript -> lib/.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` compiles, and the sources are not copied yet.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY checks ./checks
COPY bench ./bench
RUN npm run build

# Run: production dependencies only, the compiled app, as the unprivileged `node` user.
FROM node:20-slim
# NODE_OPTIONS: the heap sizes `npm start` sets (a test holds them equal). V8 grows its heap by less
# under a lower limit; below about 1.5 GB of container memory set a lower one, about three quarters
# of it (`-e NODE_OPTIONS="--max-old-space-size=384 --max-semi-space-size=2"` for 512 MB): README, "Memory".
ENV NODE_ENV=production \
    NODE_OPTIONS="--max-old-space-size=1024 --max-semi-space-size=2" \
    HOST=0.0.0.0 \
    PORT=3000 \
    LOG_FORMAT=json \
    LOG_LEVEL=info
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would compile, and the compiler is not installed here.
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
# Only the app: lib/ also holds the compiled benchmark and test support, which need dev dependencies.
COPY --from=build /app/lib/src ./lib/src
COPY --from=build /app/lib/checks ./lib/checks
COPY app.yml ./
USER node
EXPOSE 3000
# Probot's server answers GET /ping with "PONG".
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/ping').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node directly rather than `npm start`, so that signals reach it; with NODE_OPTIONS, the command
# `npm start` runs. `lib/src/main.js` is Probot's `run` with the app's Octokit (GitHub's write
# budget per installation).
CMD ["node", "lib/src/main.js"]
