namespace StatefulSpot.Client.Security;

/// <summary>
/// Mutual TLS between silos and between clients and gateways: each side presents its certificate and accepts the other's
/// only when it is issued by <see cref="CaCertificatePath"/> and/or listed in <see cref="AllowedThumbprints"/>. Off
/// unless <see cref="CertificatePath"/> is set; then a connection without a trusted certificate is refused. Silos bind
/// it from <c>StatefulSpot:Tls</c>; an embedding client sets <see cref="StatefulSpotClientOptions.Tls"/>.
/// </summary>
public sealed class StatefulSpotTlsOptions
{
    /// <summary>
    /// This node's certificate and private key: a PKCS#12 file (<c>.pfx</c>, <c>.p12</c>) or a PEM file (the key in the
    /// same file or in <see cref="CertificateKeyPath"/>). A silo's certificate must allow both TLS server and client
    /// authentication (it is both to other silos), a client's client authentication. Default none: TLS is off.
    /// </summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key of <see cref="CertificatePath"/> when that file holds only the certificate. Default none.</summary>
    public string? CertificateKeyPath { get; set; }

    /// <summary>The password of the PKCS#12 file, or of an encrypted PEM key. Default none (not encrypted).</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// The certificate(s) of the CA that issues the cluster's certificates (PEM, one or more, or DER): a peer's
    /// certificate must chain to one of them. Intermediates may be in the same file. Default none.
    /// </summary>
    public string? CaCertificatePath { get; set; }

    /// <summary>
    /// SHA-256 (64 hex digits) or SHA-1 (40) thumbprints of the certificates peers may present (colons and spaces are
    /// ignored). With <see cref="CaCertificatePath"/> a peer must pass both; alone, they pin certificates (self-signed
    /// ones too). Default empty. One of the two is required with <see cref="CertificatePath"/>.
    /// </summary>
    public List<string> AllowedThumbprints { get; set; } = [];

    /// <summary>The longest a TLS handshake may take before the connection is dropped. Default 10 seconds.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>True when <see cref="CertificatePath"/> is set: TLS is required on every connection.</summary>
    public bool IsEnabled => !string.IsNullOrWhiteSpace(CertificatePath);
}
