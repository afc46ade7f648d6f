# awshooks container image.
#
#   docker build -t awshooks:"$(node -p "require('./package.json').version")" .
#
# The tag is the version in package.json: the chart's appVersion and manifests/install.yaml use it.
#
# Three stages: `build` compiles TypeScript with the dev dependencies, `deps`
# installs the production dependencies only, and the final stage is distroless
# (no shell, no package manager) with just node, dist/ and those dependencies.
# For reproducible production builds, pin both base images by digest
# (`FROM image:tag@sha256:...`).

# ---- build: compile TypeScript to dist/ ------------------------------------
FROM node:24-bookworm-slim AS build
WORKDIR /app
# Manifests first, so the dependency layer is cached until they change.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
# Exactly what tsconfig.build.json compiles.
COPY server ./server
COPY hooks ./hooks
COPY schemas ./schemas
RUN npm run build

# ---- deps: production node_modules only ------------------------------------
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# No lifecycle scripts: no production dependency needs one, and this keeps a
# compromised package from running code at build time.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

# ---- runtime ----------------------------------------------------------------
# The image's entrypoint is /nodejs/bin/node; CMD is the script it runs.
FROM gcr.io/distroless/nodejs24-debian12:nonroot
WORKDIR /app
ENV NODE_ENV=production
# Files stay owned by root: the service user can read but never modify its code.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# "type": "module" in package.json makes node load dist/**/*.js as ESM.
COPY package.json ./
# Numeric, matching the Deployment's runAsUser/runAsGroup (and runAsNonRoot,
# which needs a numeric user to verify).
USER 10001:10001
# 8080: hooks (HTTP, or HTTPS with TLS_CERT_FILE/TLS_KEY_FILE); 9090: /healthz, /readyz, /metrics.
EXPOSE 8080 9090
# For `docker run`; Kubernetes ignores it and uses the Deployment's probes.
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["/nodejs/bin/node", "-e", "fetch('http://127.0.0.1:'+(process.env.METRICS_PORT||9090)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# V8's young generation fixed at 8 MiB semi-spaces (V8's default grows and shrinks them, up to
# 32): a hook call's garbage dies young, so a small one keeps the resident size near what is live
# (100,000 parents in under 200 MB, bench/RESULTS.md); fixed (min = max) because a young
# generation V8 had shrunk under load promoted that garbage into the old one, and about half of
# the bench's runs then spent twice the CPU per converged sync in mark-compacts. Command-line
# flags: Node refuses --min-semi-space-size in NODE_OPTIONS. `npm start` runs the same.
CMD ["--min-semi-space-size=8", "--max-semi-space-size=8", "dist/server/main.js"]
