# fleetstorm container image: `docker run --rm IMAGE run scenarios/quickstart.yaml`.
# Used by the Kubernetes Indexed Job from `fleetstorm k8s render` (see examples/k8s/README.md).
# Built-in scenarios and profiles live in /app (the working directory); to run your own,
# build `FROM` this image and `COPY` them in, or mount them.

# --- build: compile TypeScript with the dev dependencies ---
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# --- runtime: production dependencies and the compiled output only ---
FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY scenarios ./scenarios
COPY profiles ./profiles
RUN chmod +x bin/fleetstorm.js \
  && ln -s /app/bin/fleetstorm.js /usr/local/bin/fleetstorm \
  && mkdir -p /app/reports /reports \
  && chown node:node /app/reports /reports
# The unprivileged user of the node image (uid 1000); the Kubernetes manifests set fsGroup 1000.
USER node
ENTRYPOINT ["fleetstorm"]
CMD ["--help"]
