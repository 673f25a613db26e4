# The StatefulSpot silo. Build from the repository root:  docker build -t statefulspot-silo .
# Configuration comes from StatefulSpot__* environment variables (see deploy/README.md).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/ src/
RUN dotnet restore src/Silo/Silo.csproj
RUN dotnet publish src/Silo/Silo.csproj --configuration Release --no-restore --output /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
# The web host (dashboard, /metrics, /health/live, /health/ready) listens on all interfaces inside the container, so
# it needs a key: the silo refuses to start (exit 2) without StatefulSpot__WebAuth__ApiKeys__0 (at least 32 characters,
# e.g. `openssl rand -hex 32`; send it as "Authorization: Bearer <key>", or as the password a browser asks for). Only
# /health/live and /health/ready answer without it. StatefulSpot__WebAuth__AllowAnonymous=true opts out, for a proxy
# that authenticates in front.
# 11111 is the silo-to-silo port, 30000 the client gateway. Mutual TLS on both (README: Security): mount the
# certificates read-only, e.g. -v ./certs:/app/certs:ro, and set StatefulSpot__Tls__CertificatePath=/app/certs/silo.pfx,
# StatefulSpot__Tls__CertificatePassword and StatefulSpot__Tls__CaCertificatePath=/app/certs/ca.pem.
ENV StatefulSpot__DashboardUrl=http://0.0.0.0:8080 \
    StatefulSpot__SiloPort=11111 \
    StatefulSpot__GatewayPort=30000 \
    StatefulSpot__DataDirectory=/app/data
EXPOSE 8080 11111 30000
USER $APP_UID
ENTRYPOINT ["dotnet", "StatefulSpot.Silo.dll"]
