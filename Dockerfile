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
# The web host (dashboard, /metrics, /health/live, /health/ready) listens on all interfaces inside the container;
# 11111 is the silo-to-silo port, 30000 the client gateway.
ENV StatefulSpot__DashboardUrl=http://0.0.0.0:8080 \
    StatefulSpot__SiloPort=11111 \
    StatefulSpot__GatewayPort=30000 \
    StatefulSpot__DataDirectory=/app/data
EXPOSE 8080 11111 30000
USER $APP_UID
ENTRYPOINT ["dotnet", "StatefulSpot.Silo.dll"]
