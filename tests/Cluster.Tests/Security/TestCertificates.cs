using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace StatefulSpot.Cluster.Tests.Security;

/// <summary>
/// Throw-away certificates made in the test and written to a temporary directory: a CA and the leaf certificates it
/// issues (ECDSA P-256, fast to make), as PKCS#12 or PEM files the way an operator would have them.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    public const string Password = "test-password";

    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    private readonly string _directory = Directory.CreateTempSubdirectory("statefulspot-tls-").FullName;

    /// <summary>A self-signed CA certificate, with its key.</summary>
    public static X509Certificate2 CreateAuthority(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddYears(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    /// <summary>
    /// A certificate for <paramref name="name"/> issued by <paramref name="authority"/> (self-signed when null), with its
    /// key; <paramref name="usages"/> <c>both</c> (a silo's), <c>client</c>, <c>server</c> or <c>none</c> (no EKU extension).
    /// </summary>
    public static X509Certificate2 Issue(X509Certificate2? authority, string name, string usages = "both",
        DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var oids = usages switch
        {
            "both" => new OidCollection { ServerAuth, ClientAuth },
            "client" => new OidCollection { ClientAuth },
            "server" => new OidCollection { ServerAuth },
            _ => null,
        };
        if (oids is not null)
        {
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, false));
        }

        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        var from = notBefore ?? DateTimeOffset.UtcNow.AddDays(-1);
        var until = notAfter ?? DateTimeOffset.UtcNow.AddDays(30);
        if (authority is null)
        {
            return request.CreateSelfSigned(from, until);
        }

        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        using var issued = request.Create(authority, from, until, RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>Writes <paramref name="certificate"/> with its key as a PKCS#12 file protected by <see cref="Password"/>.</summary>
    public string WritePfx(X509Certificate2 certificate, string name, string? password = Password) =>
        Write(name + ".pfx", certificate.Export(X509ContentType.Pkcs12, password));

    /// <summary>Writes the certificate only (no key) as a PKCS#12 file, as an export without the key would be.</summary>
    public string WritePfxWithoutKey(X509Certificate2 certificate, string name)
    {
        using var publicOnly = X509CertificateLoader.LoadCertificate(certificate.RawData);
        return Write(name + ".pfx", publicOnly.Export(X509ContentType.Pkcs12, Password));
    }

    /// <summary>Writes the certificate as PEM, and its key (encrypted with <see cref="Password"/> when asked) into <paramref name="keyFile"/> or the same file.</summary>
    public (string Certificate, string? Key) WritePem(X509Certificate2 certificate, string name, bool withKey = true, bool keyFile = false, bool encrypted = false)
    {
        var pem = certificate.ExportCertificatePem() + "\n";
        if (!withKey)
        {
            return (Write(name + ".pem", pem), null);
        }

        using var key = certificate.GetECDsaPrivateKey()!;
        var keyPem = encrypted
            ? key.ExportEncryptedPkcs8PrivateKeyPem(Password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000))
            : key.ExportPkcs8PrivateKeyPem();
        return keyFile
            ? (Write(name + ".pem", pem), Write(name + ".key", keyPem + "\n"))
            : (Write(name + ".pem", pem + keyPem + "\n"), null);
    }

    /// <summary>Writes the CA certificate (no key) as PEM: what <c>CaCertificatePath</c> names.</summary>
    public string WriteAuthority(X509Certificate2 authority, string name) => WritePem(authority, name, withKey: false).Certificate;

    /// <summary>A path in the directory where no file is.</summary>
    public string Missing(string name) => Path.Combine(_directory, name);

    private string Write(string file, byte[] content)
    {
        var path = Path.Combine(_directory, file);
        File.WriteAllBytes(path, content);
        return path;
    }

    private string Write(string file, string content)
    {
        var path = Path.Combine(_directory, file);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
