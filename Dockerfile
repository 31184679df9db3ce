# Multi-stage: build with the SDK, run on the ASP.NET runtime as a non-root user.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG TARGETARCH
WORKDIR /src
COPY . .
# ReadyToRun: precompiled code for the image's architecture, so the gateway starts without JIT warm-up
# (it is often started per CI job). The IL stays in the assemblies; any other architecture still runs it.
RUN dotnet publish src/Gateway/Gateway.csproj -c Release -a "${TARGETARCH:-amd64}" --self-contained false \
      -p:PublishReadyToRun=true -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
# Same default path as Envoy's image, so `docker run -v ./envoy.yaml:/etc/envoy/envoy.yaml` works unchanged.
# The bundled config's admin listens on 127.0.0.1; in a container it is opened to the host network.
COPY config/envoy.yaml /etc/envoy/envoy.yaml
RUN sed -i '0,/address: 127.0.0.1/s//address: 0.0.0.0/' /etc/envoy/envoy.yaml
USER $APP_UID
EXPOSE 10000 9901
ENTRYPOINT ["dotnet", "/app/Gateway.dll"]
CMD ["-c", "/etc/envoy/envoy.yaml"]
