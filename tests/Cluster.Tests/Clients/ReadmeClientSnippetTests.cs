using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StatefulSpot.Client;
using StatefulSpot.Cluster.Tests.MultiProcess;
using StatefulSpot.Grains.Interfaces;

namespace StatefulSpot.Cluster.Tests.Clients;

/// <summary>
/// The README's client code, verbatim: the region below must be the README's block between its
/// <c>client-snippet</c> markers, and it runs against a local-mode silo process (the README's run command).
/// </summary>
public sealed class ReadmeClientSnippetTests : IDisposable
{
    private const string Start = "// <readme-client>";
    private const string End = "// </readme-client>";
    private readonly string _workDirectory = Directory.CreateTempSubdirectory("statefulspot-readme-").FullName;

    [Fact]
    public void TheReadmeShowsTheCodeThisTestRuns()
    {
        var tested = Region(File.ReadAllLines(SourceFile()), Start, End);
        var readme = Region(File.ReadAllLines(Path.Combine(RepositoryRoot(), "README.md")), "<!-- client-snippet -->", "<!-- /client-snippet -->");

        Assert.Equal(["```csharp", .. tested, "```"], readme);
    }

    [Fact]
    public async Task TheReadmeClientCode_RunsAsWritten_AgainstALocalModeSilo()
    {
        var gatewayPort = SiloProcess.FreePort();
        await using var silo = SiloProcess.Start(_workDirectory,
        [
            $"--StatefulSpot:DashboardUrl=http://127.0.0.1:{SiloProcess.FreePort()}",
            $"--StatefulSpot:SiloPort={SiloProcess.FreePort()}",
            $"--StatefulSpot:GatewayPort={gatewayPort}",
            "--StatefulSpot:Emulator:TimeScale=0.02",
            "--StatefulSpot:Saga:PollInterval=00:00:00.100",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await silo.WaitForOutputAsync("StatefulSpot (local mode) is up", TimeSpan.FromMinutes(2));

        await ReadmeClientAsync(gatewayPort);
    }

    private static async Task ReadmeClientAsync(int gatewayPort)
    {
        // <readme-client>
        // A .NET service outside the cluster finds the gateways in the cluster's PostgreSQL membership table:
        //     o.ConnectionString = "Host=db;Database=statefulspot;Username=statefulspot;Password=...";
        //     o.ClusterId = "prod"; o.ServiceId = "statefulspot";   // the silos' StatefulSpot:ClusterId and :ServiceId
        // Here: the gateway of a local-mode silo on this machine (its StatefulSpot:GatewayPort, 30000 by default).
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddStatefulSpotClient(o => o.UseLocalhost(gatewayPort));
        using var host = builder.Build();
        await host.StartAsync();                                // the client connects when its host starts
        var client = host.Services.GetRequiredService<StatefulSpotClient>();

        var spec = new ManagedInstanceSpec
        {
            Name = "orders-db",
            SubnetIds = ["subnet-0aaaaaaaaaaaaaaa1"],
            LaunchSpecification = new LaunchSpecification
            {
                ImageId = "ami-0123456789abcdef0",
                InstanceTypes = InstanceTypesSpec.Of("m5.large"),
                BlockDeviceMappings = [new BlockDeviceMappingSpec { DeviceName = "/dev/sdf", VolumeSizeGiB = 100 }],
            },
            Persistence = new PersistenceSpec { PersistPrivateIp = true },   // blockDevicesMode: reattach
        };
        var mi = await client.CreateAsync(spec);              // a new id, smi-…; CreateAsync(id, spec) is safe to repeat
        var active = await client.WaitUntilAsync(mi.Id, v => v.Status == ManagedInstanceStatus.Active, TimeSpan.FromMinutes(5));
        Console.WriteLine($"{active.Id} runs {active.InstanceId} at {active.PrivateIp}");
        var view = await client.GetAsync(mi.Id);              // null for an unknown id
        var all = await client.ListAsync();

        await client.UpdateAsync(mi.Id, spec with { LaunchSpecification = spec.LaunchSpecification with { InstanceTypes = InstanceTypesSpec.Of("m5.large", "m5.xlarge") } });
        await client.RecycleAsync(mi.Id);                     // a new instance; the same volume and private IP
        await client.WaitUntilAsync(mi.Id, v => v.Generation > active.Generation && v.Status == ManagedInstanceStatus.Active, TimeSpan.FromMinutes(5));
        await client.PauseAsync(mi.Id);                       // compute gone, volume, ENI and IP kept; ResumeAsync brings it back
        await client.WaitUntilAsync(mi.Id, v => v.Status == ManagedInstanceStatus.Paused, TimeSpan.FromMinutes(5));
        await client.DeleteAsync(mi.Id, new DeleteOptions { ShouldDeleteVolumes = true, ShouldDeleteNetworkInterfaces = true });
        await client.WaitUntilAsync(mi.Id, v => v.Status == ManagedInstanceStatus.Deleted, TimeSpan.FromMinutes(5));
        await host.StopAsync();
        // </readme-client>
        Assert.NotNull(view);
        Assert.Contains(all, v => v.Id == mi.Id);
    }

    /// <summary>The lines strictly between the marker lines, with the region's common indentation removed.</summary>
    private static List<string> Region(string[] lines, string start, string end)
    {
        var from = Array.FindIndex(lines, l => l.Trim() == start);
        var to = Array.FindIndex(lines, from + 1, l => l.Trim() == end);
        Assert.True(from >= 0 && to > from, $"no region between '{start}' and '{end}'");
        var region = lines[(from + 1)..to];
        var indent = region.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return [.. region.Select(l => l.Length >= indent ? l[indent..].TrimEnd() : l.Trim())];
    }

    private static string SourceFile([CallerFilePath] string path = "") => path;

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(Path.GetDirectoryName(SourceFile())!); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Orleans.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("the repository root (Orleans.sln) is not above " + SourceFile());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_workDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by an exiting process; the temp folder is cleaned by the OS.
        }
    }
}
