using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace StatefulSpot.Client.Security;

/// <summary>
/// Reads the certificate files of <see cref="StatefulSpotTlsOptions"/>: this node's certificate and key (PKCS#12, or
/// PEM/DER with a PEM key) and the CA file; each failure becomes a sentence naming the key to fix.
/// </summary>
internal static class CertificateFiles
{
    /// <summary>This node's certificate with its private key, or null with the problem added.</summary>
    public static X509Certificate2? LoadCertificate(StatefulSpotTlsOptions options, string keyPrefix, List<string> problems)
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

    /// <summary>The roots (trust anchors) and the other certificates (intermediates) of the CA file.</summary>
    public static (X509Certificate2Collection Authorities, X509Certificate2Collection Intermediates) LoadAuthorities(string caPath, string keyPrefix, List<string> problems)
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
