# syntax=docker/dockerfile:1
# The gateway as a Native AOT binary on runtime-deps (no .NET runtime in the image: starts in tens of ms,
# about half the memory of the JIT build; figures in bench/RESULTS.md). Multi-arch:
#   docker buildx build --platform linux/amd64,linux/arm64 --build-arg GIT_COMMIT=$(git rev-parse HEAD) -t gateway .
# The build stage runs on the build machine's platform and cross-compiles per $TARGETARCH (Native AOT
# links natively, so a cross linker is installed when the target differs). Base images are pinned by exact
# version tag (the SDK and runtime this was tested with); pin by digest in your registry mirror with
# --build-arg SDK_IMAGE=...@sha256:... / RUNTIME_IMAGE=...@sha256:...
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0.401-noble-aot
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/runtime-deps:10.0.12-noble
FROM --platform=$BUILDPLATFORM ${SDK_IMAGE} AS build
ARG TARGETARCH
ARG BUILDARCH
# The commit the image is built from: .git is not in the build context (.dockerignore), so it is passed in
# (see above) and shows in `envoy --version` and /server_info as Envoy's do.
ARG GIT_COMMIT=
# true: the smaller-memory publish (-p:AotLowMemory, see src/Gateway/Gateway.csproj: ~4 MiB less RSS per instance, but
# the executable's own image loads at a fixed address, without ASLR). The default keeps PIE, as Envoy's image does.
ARG AOT_LOW_MEMORY=false
# The -aot SDK image has clang and the linker for its own architecture; another target needs that
# target's binutils and C library (zlib and brotli come with .NET's own static libraries).
RUN if [ "$TARGETARCH" != "$BUILDARCH" ]; then \
      case "$TARGETARCH" in \
        arm64) cross=gcc-aarch64-linux-gnu ;; \
        amd64) cross=gcc-x86-64-linux-gnu ;; \
        *) echo "TARGETARCH $TARGETARCH: only amd64 and arm64 are built" >&2; exit 1 ;; \
      esac; \
      apt-get update && apt-get install -y --no-install-recommends "$cross" && rm -rf /var/lib/apt/lists/*; \
    fi
WORKDIR /src
# Restore first, from the project files only, so a source edit does not re-download packages (the AOT
# compiler and the target's runtime pack included: restore with the same -a and PublishAot as the publish).
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Gateway.Clusters/Gateway.Clusters.csproj src/Gateway.Clusters/
COPY src/Gateway.Filters/Gateway.Filters.csproj src/Gateway.Filters/
COPY src/Gateway/Gateway.csproj src/Gateway/
RUN dotnet restore src/Gateway/Gateway.csproj -a "$TARGETARCH" -p:PublishAot=true
COPY src/ src/
# Any trim/AOT analysis warning fails this step (src/Gateway/Gateway.csproj); the .dbg symbols stay out of the image.
RUN dotnet publish src/Gateway/Gateway.csproj -c Release -a "$TARGETARCH" --no-restore -p:PublishAot=true \
      -p:SourceRevisionId="${GIT_COMMIT}" -p:EnableSourceControlManagerQueries=false -p:AotLowMemory="${AOT_LOW_MEMORY}" \
      -o /app --nologo \
    && rm -f /app/*.dbg

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
