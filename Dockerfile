# syntax=docker/dockerfile:1
# TrackFlow's image: one jar for every role (TRACKFLOW_ROLES picks them). The first stage runs
# the same Maven build as `./trackflow build`, so building needs Docker only — no JDK or Node on
# the host:  docker build -t trackflow:local .   (or `docker compose up --build`)

# Build: Node 22 for the tracker and dashboard, a JDK 21 for Maven.
FROM eclipse-temurin:21.0.5_11-jdk-noble AS jdk
FROM node:22.12.0-bookworm-slim AS build
COPY --from=jdk /opt/java/openjdk /opt/java/openjdk
ENV JAVA_HOME=/opt/java/openjdk \
    PATH=/opt/java/openjdk/bin:$PATH
WORKDIR /src
COPY . .
# Caches survive between builds, so a rebuild does not download Maven Central and npm again.
RUN --mount=type=cache,target=/root/.m2 \
    --mount=type=cache,target=/root/.npm \
    ./mvnw -B -q -DskipTests -Dmaven.test.skip.exec=true package -pl server -am \
 && cp server/target/trackflow.jar /trackflow.jar

# Runtime: a JRE, curl for the health check, and nothing running as root.
FROM eclipse-temurin:21.0.5_11-jre-noble
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 trackflow \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/trackflow --no-create-home trackflow \
 && mkdir -p /var/lib/trackflow \
 && chown 10001:10001 /var/lib/trackflow
COPY --from=build /trackflow.jar /opt/trackflow/trackflow.jar
# Embedded stores (standalone) live here; a cluster keeps its state in the external services.
ENV TRACKFLOW_DATA_DIR=/var/lib/trackflow
VOLUME /var/lib/trackflow
WORKDIR /var/lib/trackflow
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=6 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${TRACKFLOW_HTTP_PORT:-8080}/health/ready" || exit 1
# Heap from the container's memory limit; an OutOfMemoryError ends the process so the restart
# policy starts a clean one instead of leaving a half-working JVM behind.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/trackflow/trackflow.jar"]
