# syntax=docker/dockerfile:1
# Image for the demo app (demo-app/). Build from the repository root:
#   docker build -t scaled-demo-app .
# Runs as non-root and needs no writable filesystem (works with readOnlyRootFilesystem: true).

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# The parent pom supplies dependency versions; only the demo-app module is built (-f), so the
# operator module's sources are not needed here. Tests run in CI (mvn -pl demo-app verify).
COPY pom.xml ./pom.xml
COPY demo-app/pom.xml demo-app/pom.xml
COPY demo-app/src demo-app/src
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -f demo-app/pom.xml -DskipTests package

FROM gcr.io/distroless/java17-debian12:nonroot
WORKDIR /app
COPY --from=build /src/demo-app/target/demo-app.jar /app/demo-app.jar
USER 65532:65532
EXPOSE 8000
# -XX:-UsePerfData: no hsperfdata file in /tmp, so a read-only root filesystem is fine.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-XX:-UsePerfData", "-jar", "/app/demo-app.jar"]
