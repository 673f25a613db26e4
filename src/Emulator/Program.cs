using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace StatefulSpot.Emulator;

/// <summary>
/// Standalone emulator: <c>dotnet run --project src/Emulator -- --urls http://127.0.0.1:4566 --Emulator:TimeScale=0.1</c>.
/// Options come from the configuration section <c>Emulator</c> (command line, environment <c>Emulator__TimeScale</c>, appsettings).
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        var options = builder.Configuration.GetSection(EmulatorOptions.SectionName).Get<EmulatorOptions>() ?? new EmulatorOptions();
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return 2;
        }

        AwsEmulator emulator;
        try
        {
            emulator = await AwsEmulator.StartAsync(builder, options, TimeProvider.System, CancellationToken.None).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            // a world file or state file that cannot be used: say which and why
            await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return 2;
        }

        await using (emulator.ConfigureAwait(false))
        {
            await emulator.WaitForShutdownAsync().ConfigureAwait(false);
        }

        return 0;
    }
}
