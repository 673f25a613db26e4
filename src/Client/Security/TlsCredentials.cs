using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace StatefulSpot.Client.Security;

/// <summary>Which end of a connection a certificate authenticates: a silo is both server and client, a client only a client.</summary>
public enum TlsRole
{
    /// <summary>A silo: it accepts silo and client connections and opens silo connections.</summary>
    Silo = 1,

    /// <summary>A cluster client: it opens connections to gateways.</summary>
    Client = 2,
}

/// <summary>
/// The loaded material of <see cref="StatefulSpotTlsOptions"/>: this node's certificate with its key, and what a peer's
/// certificate must satisfy. Made by <see cref="TlsCredentialLoader.TryLoad"/>.
/// </summary>
public sealed class TlsCredentials
{
    private readonly X509Certificate2Collection _authorities;
    private readonly X509Certificate2Collection _intermediates;
    private readonly HashSet<string> _thumbprints;
    private readonly TimeProvider _time;

    internal TlsCredentials(X509Certificate2 certificate, X509Certificate2Collection authorities, X509Certificate2Collection intermediates,
        HashSet<string> thumbprints, TimeSpan handshakeTimeout, TimeProvider time)
    {
        Certificate = certificate;
        _authorities = authorities;
        _intermediates = intermediates;
        _thumbprints = thumbprints;
        HandshakeTimeout = handshakeTimeout;
        _time = time;
    }

    /// <summary>This node's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The longest TLS handshake.</summary>
    public TimeSpan HandshakeTimeout { get; }

    /// <summary>
    /// Mutual TLS on Orleans' <paramref name="options"/>: this node's certificate, a certificate required from the other
    /// end in both directions, and <see cref="IsTrustedPeer"/> as the only judge of it.
    /// </summary>
    public void Apply(TlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.LocalCertificate = Certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = IsTrustedPeer;
        options.HandshakeTimeout = HandshakeTimeout;
    }

    /// <summary>
    /// Whether a peer may connect with <paramref name="certificate"/>: within its validity period, chained to one of the
    /// configured CAs (when one is configured) and among the allowed thumbprints (when any are listed). The platform's
    /// own trust store and the host name are not consulted: silos are reached by IP address, and the cluster's CA, not a
    /// public one, says who belongs.
    /// </summary>
    public bool IsTrustedPeer(X509Certificate2 certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        var now = _time.GetUtcNow().UtcDateTime;
        if (now < certificate.NotBefore.ToUniversalTime() || now > certificate.NotAfter.ToUniversalTime())
        {
            return false;
        }

        if (_thumbprints.Count > 0 && !_thumbprints.Contains(Thumbprints.Sha256(certificate)) && !_thumbprints.Contains(certificate.Thumbprint))
        {
            return false;
        }

        return _authorities.Count == 0 || ChainsToAuthority(certificate, presented);
    }

    private bool ChainsToAuthority(X509Certificate2 certificate, X509Chain? presented)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_authorities);
        chain.ChainPolicy.ExtraStore.AddRange(_intermediates);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = _time.GetUtcNow().UtcDateTime;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                if (!element.Certificate.Equals(certificate))
                {
                    chain.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }
        }

        return chain.Build(certificate);
    }
}

/// <summary>Certificate thumbprints as the options write them: upper-case hex, no separators.</summary>
public static class Thumbprints
{
    /// <summary>The SHA-256 thumbprint of <paramref name="certificate"/> (64 hex digits).</summary>
    public static string Sha256(X509Certificate2 certificate) => certificate.GetCertHashString(HashAlgorithmName.SHA256);

    /// <summary><paramref name="value"/> without colons and spaces, upper-case; null unless it is 40 or 64 hex digits.</summary>
    public static string? Normalize(string? value)
    {
        var hex = (value ?? "").Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        return hex.Length is 40 or 64 && hex.All(Uri.IsHexDigit) ? hex : null;
    }
}
