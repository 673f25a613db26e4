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
        var certificate = LoadCertificate(options, keyPrefix, problems);
        if (certificate is not null)
        {
            CheckCertificate(certificate, options.CertificatePath!, keyPrefix, role, time, problems);
        }

        var (authorities, intermediates) = options.CaCertificatePath is { } ca ? LoadAuthorities(ca, keyPrefix, problems) : ([], []);
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

    private static X509Certificate2? LoadCertificate(StatefulSpotTlsOptions options, string keyPrefix, List<string> problems)
    {
        var key = keyPrefix + nameof(options.CertificatePath);
        var path = Path.GetFullPath(options.CertificatePath!);
        if (!File.Exists(path))
        {
            problems.Add($"{key}: there is no file {path}.");
            return null;
        }

        if (options.CertificateKeyPath is { } keyPath && !File.Exists(Path.GetFullPath(keyPath)))
        {
            problems.Add($"{keyPrefix}{nameof(options.CertificateKeyPath)}: there is no file {Path.GetFullPath(keyPath)}.");
            return null;
        }

        try
        {
            var certificate = IsPkcs12(path)
                ? LoadPkcs12(path, options.CertificatePassword)
                : LoadPem(path, options.CertificateKeyPath is { } k ? Path.GetFullPath(k) : null, options.CertificatePassword, keyPrefix, problems);
            if (certificate is { HasPrivateKey: false })
            {
                problems.Add($"{key}: {path} holds the certificate {certificate.Subject} but not its private key; use a PKCS#12 file with the key, "
                    + $"or a PEM file with the key in it or in {keyPrefix}{nameof(options.CertificateKeyPath)}.");
                return null;
            }

            return certificate;
        }
        catch (CryptographicException exception) when (IsPkcs12(path))
        {
            problems.Add(options.CertificatePassword is null
                ? $"{key}: {path} could not be opened without a password ({exception.Message.TrimEnd('.')}); set {keyPrefix}{nameof(options.CertificatePassword)}."
                : $"{keyPrefix}{nameof(options.CertificatePassword)} does not open {path}: the password is wrong, or the file is not a PKCS#12 file.");
            return null;
        }
        catch (CryptographicException exception)
        {
            problems.Add($"{key}: {path} could not be read as a PEM or DER certificate ({exception.Message.TrimEnd('.')}).");
            return null;
        }
    }

    private static bool IsPkcs12(string path) => Path.GetExtension(path).ToLowerInvariant() is ".pfx" or ".p12";

    private static X509Certificate2 LoadPkcs12(string path, string? password)
    {
        var all = X509CertificateLoader.LoadPkcs12CollectionFromFile(path, password, X509KeyStorageFlags.Exportable);
        return all.FirstOrDefault(c => c.HasPrivateKey) ?? all.FirstOrDefault() ?? throw new CryptographicException("the file holds no certificate");
    }

    private static X509Certificate2? LoadPem(string path, string? keyPath, string? password, string keyPrefix, List<string> problems)
    {
        var text = File.ReadAllText(path);
        var certificate = text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal)
            ? X509Certificate2.CreateFromPem(text)
            : X509CertificateLoader.LoadCertificateFromFile(path);
        var keyText = keyPath is null ? text : File.ReadAllText(keyPath);
        var keyFile = keyPath ?? path;
        if (!keyText.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            problems.Add($"{keyPrefix}{nameof(StatefulSpotTlsOptions.CertificatePath)}: {path} holds the certificate {certificate.Subject} but no private key, "
                + (keyPath is null ? $"and {keyPrefix}{nameof(StatefulSpotTlsOptions.CertificateKeyPath)} is not set." : $"and neither does {keyFile}."));
            return null;
        }

        var encrypted = keyText.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal);
        if (encrypted && password is null)
        {
            problems.Add($"{keyPrefix}{nameof(StatefulSpotTlsOptions.CertificatePassword)} is required: the private key in {keyFile} is encrypted.");
            return null;
        }

        try
        {
            using var withKey = encrypted
                ? X509Certificate2.CreateFromEncryptedPem(certificate.ExportCertificatePem(), keyText, password)
                : X509Certificate2.CreateFromPem(certificate.ExportCertificatePem(), keyText);

            // An ephemeral PEM key is re-imported through PKCS#12, which every platform's TLS stack accepts.
            return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
        }
        catch (CryptographicException) when (encrypted)
        {
            problems.Add($"{keyPrefix}{nameof(StatefulSpotTlsOptions.CertificatePassword)} does not decrypt the private key in {keyFile}: the password is wrong.");
            return null;
        }
        catch (CryptographicException exception)
        {
            problems.Add($"{keyPrefix}{nameof(StatefulSpotTlsOptions.CertificatePath)}: the private key in {keyFile} does not belong to the certificate "
                + $"{certificate.Subject} or cannot be read ({exception.Message.TrimEnd('.')}).");
            return null;
        }
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

    private static (X509Certificate2Collection Authorities, X509Certificate2Collection Intermediates) LoadAuthorities(string caPath, string keyPrefix, List<string> problems)
    {
        var key = keyPrefix + nameof(StatefulSpotTlsOptions.CaCertificatePath);
        var path = Path.GetFullPath(caPath);
        if (!File.Exists(path))
        {
            problems.Add($"{key}: there is no file {path}.");
            return ([], []);
        }

        var all = new X509Certificate2Collection();
        try
        {
            if (File.ReadAllText(path).Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
            {
                all.ImportFromPemFile(path);
            }
            else
            {
                all.Add(X509CertificateLoader.LoadCertificateFromFile(path));
            }
        }
        catch (CryptographicException exception)
        {
            problems.Add($"{key}: {path} could not be read as PEM or DER certificates ({exception.Message.TrimEnd('.')}).");
            return ([], []);
        }

        var roots = new X509Certificate2Collection(all.Where(c => c.SubjectName.RawData.AsSpan().SequenceEqual(c.IssuerName.RawData)).ToArray());
        if (roots.Count == 0)
        {
            problems.Add($"{key}: {path} holds no root CA certificate (one whose issuer is itself); put the root that issues the cluster's certificates in it.");
        }

        return (roots, new X509Certificate2Collection(all.Where(c => !roots.Contains(c)).ToArray()));
    }
}
