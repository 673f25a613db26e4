using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace StatefulSpot.Client.Security;

/// <summary>
/// Reads the files of <see cref="StatefulSpotTlsOptions"/> and says, one sentence per problem and each naming its key,
/// what keeps them from working: a missing file, a wrong password, a certificate without its private key, expired, or
/// not allowed for its role, no way to validate a peer.
/// </summary>
public static class TlsCredentialLoader
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";
    private static readonly TimeSpan MaxHandshakeTimeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The credentials of <paramref name="options"/> for <paramref name="role"/>, or the problems; both null and empty
    /// when TLS is off. <paramref name="keyPrefix"/> names the keys in messages (<c>StatefulSpot:Tls:</c>, <c>Tls.</c>).
    /// </summary>
    public static (TlsCredentials? Credentials, IReadOnlyList<string> Problems) TryLoad(StatefulSpotTlsOptions options, string keyPrefix, TlsRole role,
        TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (!options.IsEnabled)
        {
            var stray = new (string Key, bool IsSet)[]
            {
                (nameof(options.CaCertificatePath), options.CaCertificatePath is not null),
                (nameof(options.CertificateKeyPath), options.CertificateKeyPath is not null),
                (nameof(options.CertificatePassword), options.CertificatePassword is not null),
                (nameof(options.AllowedThumbprints), options.AllowedThumbprints.Count > 0),
            }.Where(s => s.IsSet).Select(s => keyPrefix + s.Key).ToList();
            if (stray.Count > 0)
            {
                problems.Add($"{string.Join(", ", stray)} {(stray.Count == 1 ? "is" : "are")} set but {keyPrefix}{nameof(options.CertificatePath)} is not: "
                    + "TLS is on only with this node's certificate; set it too, or remove the other TLS keys.");
            }

            return (null, problems);
        }

        var thumbprints = ReadThumbprints(options, keyPrefix, problems);
        if (options.CaCertificatePath is null && options.AllowedThumbprints.Count == 0)
        {
            problems.Add($"{keyPrefix}{nameof(options.CaCertificatePath)} or {keyPrefix}{nameof(options.AllowedThumbprints)} is required with "
                + $"{keyPrefix}{nameof(options.CertificatePath)}: without one, no peer's certificate could be trusted.");
        }

        if (options.HandshakeTimeout <= TimeSpan.Zero || options.HandshakeTimeout > MaxHandshakeTimeout)
        {
            problems.Add($"{keyPrefix}{nameof(options.HandshakeTimeout)} must be positive and at most {MaxHandshakeTimeout:c}, not {options.HandshakeTimeout:c}.");
        }

        time ??= TimeProvider.System;
        var certificate = CertificateFiles.LoadCertificate(options, keyPrefix, problems);
        if (certificate is not null)
        {
            CheckCertificate(certificate, options.CertificatePath!, keyPrefix, role, time, problems);
        }

        var (authorities, intermediates) = options.CaCertificatePath is { } ca ? CertificateFiles.LoadAuthorities(ca, keyPrefix, problems) : ([], []);
        return problems.Count > 0 || certificate is null
            ? (null, problems)
            : (new TlsCredentials(certificate, authorities, intermediates, thumbprints, options.HandshakeTimeout, time), problems);
    }

    /// <summary>Like <see cref="TryLoad"/>, for options already validated: throws <see cref="InvalidOperationException"/> with the problems.</summary>
    public static TlsCredentials Load(StatefulSpotTlsOptions options, string keyPrefix, TlsRole role)
    {
        var (credentials, problems) = TryLoad(options, keyPrefix, role);
        return credentials ?? throw new InvalidOperationException(problems.Count > 0 ? string.Join(" ", problems) : "TLS is not configured.");
    }

    private static HashSet<string> ReadThumbprints(StatefulSpotTlsOptions options, string keyPrefix, List<string> problems)
    {
        var thumbprints = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in options.AllowedThumbprints)
        {
            if (Thumbprints.Normalize(value) is { } thumbprint)
            {
                thumbprints.Add(thumbprint);
            }
            else
            {
                problems.Add($"{keyPrefix}{nameof(options.AllowedThumbprints)}: '{value}' is not a SHA-256 (64 hex digits) or SHA-1 (40) thumbprint.");
            }
        }

        return thumbprints;
    }

    private static void CheckCertificate(X509Certificate2 certificate, string path, string keyPrefix, TlsRole role, TimeProvider time, List<string> problems)
    {
        var key = keyPrefix + nameof(StatefulSpotTlsOptions.CertificatePath);
        var now = time.GetUtcNow().UtcDateTime;
        if (now > certificate.NotAfter.ToUniversalTime())
        {
            problems.Add($"{key}: the certificate {certificate.Subject} in {path} expired on {certificate.NotAfter.ToUniversalTime():u}; peers would refuse it.");
        }
        else if (now < certificate.NotBefore.ToUniversalTime())
        {
            problems.Add($"{key}: the certificate {certificate.Subject} in {path} is not valid before {certificate.NotBefore.ToUniversalTime():u}.");
        }

        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().ToList();
        bool Allows(string oid) => usages.Count == 0 || usages.Any(u => u.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == oid));
        (string Oid, string Name)[] needed = role == TlsRole.Silo
            ? [(ServerAuthentication, "serverAuth"), (ClientAuthentication, "clientAuth")]
            : [(ClientAuthentication, "clientAuth")];
        var missing = needed.Where(u => !Allows(u.Oid)).Select(u => u.Name).ToList();
        if (missing.Count > 0)
        {
            problems.Add($"{key}: the certificate {certificate.Subject} in {path} does not allow {string.Join(" and ", missing)} in its extended key usage; "
                + (role == TlsRole.Silo ? "a silo's certificate needs both serverAuth and clientAuth (it is server and client to other silos)." : "a client's certificate needs clientAuth."));
        }
    }
}
