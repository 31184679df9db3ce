# syntax=docker/dockerfile:1
# Multi-stage: build with the SDK on the build machine's platform (cross-compiling per $TARGETARCH),
# run on the ASP.NET runtime as a non-root user. Base images are pinned by tag; pin by digest in your
# registry mirror with --build-arg SDK_IMAGE=...@sha256:... / RUNTIME_IMAGE=...
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0
FROM --platform=$BUILDPLATFORM ${SDK_IMAGE} AS build
ARG TARGETARCH
# The commit the image is built from: .git is not in the build context (.dockerignore), so it is passed in:
#   docker build --build-arg GIT_COMMIT=$(git rev-parse HEAD) -t gateway .
# and shows in `envoy --version` and /server_info as Envoy's do.
ARG GIT_COMMIT=
WORKDIR /src
# Restore first, from the project files only, so a source edit does not re-download packages.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Gateway.Clusters/Gateway.Clusters.csproj src/Gateway.Clusters/
COPY src/Gateway.Filters/Gateway.Filters.csproj src/Gateway.Filters/
COPY src/Gateway/Gateway.csproj src/Gateway/
RUN dotnet restore src/Gateway/Gateway.csproj -a "${TARGETARCH:-amd64}"
COPY src/ src/
# ReadyToRun: precompiled code for the image's architecture, so the gateway starts without JIT warm-up
# (it is often started per CI job).
RUN dotnet publish src/Gateway/Gateway.csproj -c Release -a "${TARGETARCH:-amd64}" --self-contained false --no-restore \
      -p:PublishReadyToRun=true -p:SourceRevisionId="${GIT_COMMIT}" -p:EnableSourceControlManagerQueries=false \
      -o /app --nologo

FROM ${RUNTIME_IMAGE}
WORKDIR /app
COPY --from=build /app .
# Envoy's command line: `envoy -c /etc/envoy/envoy.yaml ...`, with the default -c kept when only flags
# are given (`docker run IMAGE --log-level debug`), and compose's `entrypoint: /usr/local/bin/envoy`.
COPY --chmod=755 deploy/docker/envoy /usr/local/bin/envoy
# Same default path as Envoy's image; the bundled config answers with a page and the admin, no upstream needed.
COPY deploy/docker/envoy.yaml /etc/envoy/envoy.yaml
USER $APP_UID
EXPOSE 10000 9901
ENTRYPOINT ["/usr/local/bin/envoy"]
CMD ["-c", "/etc/envoy/envoy.yaml"]
