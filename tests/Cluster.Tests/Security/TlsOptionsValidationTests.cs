using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StatefulSpot.Client;
using StatefulSpot.Cluster.Tests.MultiProcess;
using StatefulSpot.Silo.Hosting;

namespace StatefulSpot.Cluster.Tests.Security;

/// <summary>
/// Bad <c>StatefulSpot:Tls</c> settings stop the silo before it starts, one sentence per problem naming the key and
/// saying what to fix; the client's <c>Tls</c> settings are checked the same way.
/// </summary>
public sealed class TlsOptionsValidationTests : IDisposable
{
    private readonly TestCertificates _files = new();
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 _authority = TestCertificates.CreateAuthority("Validation CA");
    private readonly string _ca;

    public TlsOptionsValidationTests() => _ca = _files.WriteAuthority(_authority, "ca");

    [Fact]
    public void APfxAndACa_AreValid()
    {
        Assert.Empty(Bind(Pfx(TestCertificates.Issue(_authority, "silo"))));
    }

    [Fact]
    public void APemWithItsKeyInTheSameFile_AndPinnedThumbprintsInsteadOfACa_AreValid()
    {
        var (certificate, _) = _files.WritePem(TestCertificates.Issue(null, "self-signed"), "pem");

        Assert.Empty(Bind(new()
        {
            ["StatefulSpot:Tls:CertificatePath"] = certificate,
            ["StatefulSpot:Tls:AllowedThumbprints:0"] = "AB:CD:" + new string('0', 60),
        }));
    }

    [Fact]
    public void AMissingCertificateFile_IsNamed()
    {
        var missing = _files.Missing("silo.pfx");

        var problem = Assert.Single(Bind(new() { ["StatefulSpot:Tls:CertificatePath"] = missing, ["StatefulSpot:Tls:CaCertificatePath"] = _ca }));

        Assert.Equal($"StatefulSpot:Tls:CertificatePath: there is no file {missing}.", problem);
    }

    [Fact]
    public void AWrongPassword_IsNamed_NotEchoed()
    {
        var settings = Pfx(TestCertificates.Issue(_authority, "silo"));
        settings["StatefulSpot:Tls:CertificatePassword"] = "not-the-password";

        var problem = Assert.Single(Bind(settings));

        Assert.StartsWith("StatefulSpot:Tls:CertificatePassword does not open ", problem, StringComparison.Ordinal);
        Assert.Contains("the password is wrong", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void APfxWithoutThePrivateKey_IsNamed()
    {
        var settings = Pfx(TestCertificates.Issue(_authority, "silo"));
        settings["StatefulSpot:Tls:CertificatePath"] = _files.WritePfxWithoutKey(TestCertificates.Issue(_authority, "silo"), "no-key");

        var problem = Assert.Single(Bind(settings));

        Assert.Contains("holds the certificate CN=silo but not its private key", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void APemWithoutAKey_SaysToSetTheKeyFile()
    {
        var (certificate, _) = _files.WritePem(TestCertificates.Issue(_authority, "silo"), "cert-only", withKey: false);

        var problem = Assert.Single(Bind(new() { ["StatefulSpot:Tls:CertificatePath"] = certificate, ["StatefulSpot:Tls:CaCertificatePath"] = _ca }));

        Assert.Contains("holds the certificate CN=silo but no private key, and StatefulSpot:Tls:CertificateKeyPath is not set", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "StatefulSpot:Tls:CertificatePassword is required: the private key in ")]
    [InlineData("wrong", "StatefulSpot:Tls:CertificatePassword does not decrypt the private key in ")]
    public void AnEncryptedPemKey_NeedsItsPassword(string? password, string expected)
    {
        var (certificate, key) = _files.WritePem(TestCertificates.Issue(_authority, "silo"), "encrypted", keyFile: true, encrypted: true);

        var problem = Assert.Single(Bind(new()
        {
            ["StatefulSpot:Tls:CertificatePath"] = certificate,
            ["StatefulSpot:Tls:CertificateKeyPath"] = key,
            ["StatefulSpot:Tls:CertificatePassword"] = password,
            ["StatefulSpot:Tls:CaCertificatePath"] = _ca,
        }));

        Assert.StartsWith(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void AnExpiredCertificate_IsNamed()
    {
        var expired = TestCertificates.Issue(_authority, "old", notBefore: DateTimeOffset.UtcNow.AddDays(-30), notAfter: DateTimeOffset.UtcNow.AddDays(-1));

        var problem = Assert.Single(Bind(Pfx(expired)));

        Assert.Contains("the certificate CN=old in ", problem, StringComparison.Ordinal);
        Assert.Contains(" expired on ", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void ASiloCertificateWithoutClientAuth_IsNamed_ForItsRole()
    {
        var problem = Assert.Single(Bind(Pfx(TestCertificates.Issue(_authority, "server-only", "server"))));

        Assert.Contains("does not allow clientAuth in its extended key usage; a silo's certificate needs both serverAuth and clientAuth", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void ACertificateWithoutACaOrThumbprints_IsRefused_AsNoPeerCouldBeTrusted()
    {
        var settings = Pfx(TestCertificates.Issue(_authority, "silo"));
        settings["StatefulSpot:Tls:CaCertificatePath"] = null;

        var problem = Assert.Single(Bind(settings));

        Assert.StartsWith("StatefulSpot:Tls:CaCertificatePath or StatefulSpot:Tls:AllowedThumbprints is required with StatefulSpot:Tls:CertificatePath", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("StatefulSpot:Tls:AllowedThumbprints:0", "not-hex", "StatefulSpot:Tls:AllowedThumbprints: 'not-hex' is not a SHA-256")]
    [InlineData("StatefulSpot:Tls:CaCertificatePath", "/nowhere/ca.pem", "StatefulSpot:Tls:CaCertificatePath: there is no file /nowhere/ca.pem.")]
    [InlineData("StatefulSpot:Tls:HandshakeTimeout", "00:00:00", "StatefulSpot:Tls:HandshakeTimeout must be positive")]
    public void ABadTlsValue_IsNamed(string key, string value, string expected)
    {
        var settings = Pfx(TestCertificates.Issue(_authority, "silo"));
        settings[key] = value;

        Assert.Contains(Bind(settings), p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void TlsKeysWithoutACertificate_AreRefused_RatherThanSilentlyRunningWithoutTls()
    {
        var problem = Assert.Single(Bind(new() { ["StatefulSpot:Tls:CaCertificatePath"] = _ca }));

        Assert.StartsWith("StatefulSpot:Tls:CaCertificatePath is set but StatefulSpot:Tls:CertificatePath is not", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TheClient_RefusesBadTlsSettings_NamingTheProperty()
    {
        var missing = _files.Missing("client.pfx");

        var exception = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddStatefulSpotClient(o =>
        {
            o.Tls.CertificatePath = missing;
            o.Tls.CaCertificatePath = _ca;
        }));

        Assert.Contains($"Tls.CertificatePath: there is no file {missing}.", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheClient_NeedsClientAuthInItsCertificate()
    {
        var certificate = _files.WritePfx(TestCertificates.Issue(_authority, "server-only", "server"), "client-server-only");

        var problems = new StatefulSpotClientOptions { Tls = { CertificatePath = certificate, CertificatePassword = TestCertificates.Password, CaCertificatePath = _ca } }.Validate();

        Assert.Contains(problems, p => p.Contains("a client's certificate needs clientAuth", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheSilo_WithAMissingCertificate_ExitsWith2_WithoutAStackTrace()
    {
        var missing = _files.Missing("silo.pfx");

        var (exitCode, output) = await SiloProcess.RunAsync(Path.GetTempPath(),
            [$"--StatefulSpot:Tls:CertificatePath={missing}", $"--StatefulSpot:Tls:CaCertificatePath={_ca}"], TimeSpan.FromMinutes(1));

        Assert.True(exitCode == 2, $"exit code {exitCode}:\n{output}");
        Assert.Contains($"StatefulSpot cannot start: StatefulSpot:Tls:CertificatePath: there is no file {missing}.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    private Dictionary<string, string?> Pfx(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate) => new()
    {
        ["StatefulSpot:Tls:CertificatePath"] = _files.WritePfx(certificate, certificate.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false)),
        ["StatefulSpot:Tls:CertificatePassword"] = TestCertificates.Password,
        ["StatefulSpot:Tls:CaCertificatePath"] = _ca,
    };

    private static IReadOnlyList<string> Bind(Dictionary<string, string?> values) =>
        StatefulSpotHostOptions.Bind(new ConfigurationBuilder().AddInMemoryCollection(values).Build()).Problems;

    public void Dispose() => _files.Dispose();
}
