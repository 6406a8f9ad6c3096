package io.sluice.model.client.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * How a client connection to MySQL uses TLS, as {@code mysql --ssl-mode --ssl-ca --ssl-cert --ssl-key} would: a
 * {@link SslMode}, the CA that VERIFY_CA and VERIFY_IDENTITY check the server's certificate against, and an
 * optional client certificate with its key for accounts created {@code REQUIRE X509}.
 *
 * <p>PEM documents are given inline ({@code ca}, {@code clientCert}: handy when the settings travel to another
 * node) or as files ({@code caPath}, {@code clientCertPath}), read at every connection so that a renewed file is
 * picked up. The CA may come from both (their certificates are all trusted). The private key is a file only
 * ({@code clientKeyPath}): settings that are stored or passed around never hold it.
 *
 * <p>Checked when built: a certificate given to a mode that ignores it (a CA with DISABLED, PREFERRED or REQUIRED,
 * anything with DISABLED) is refused rather than silently unused, and a verifying mode needs a CA. {@link #check()}
 * also reads and parses every document.
 *
 * @param mode           the TLS mode
 * @param ca             CA certificates, PEM text; or {@code null}
 * @param caPath         a file of CA certificates (PEM); or {@code null}
 * @param clientCert     the client certificate (and intermediates), PEM text; or {@code null}
 * @param clientCertPath a file holding it; or {@code null}
 * @param clientKeyPath  the file of the client certificate's private key (unencrypted PKCS#8 PEM); or {@code null}
 */
public record ClientTls(SslMode mode, String ca, String caPath, String clientCert, String clientCertPath,
                        String clientKeyPath) {
    /** MySQL's client default: TLS when the server offers it, without checking its certificate. */
    public static final ClientTls PREFERRED = new ClientTls(SslMode.PREFERRED, null, null, null, null, null);
    /** No TLS. */
    public static final ClientTls DISABLED = new ClientTls(SslMode.DISABLED, null, null, null, null, null);

    public ClientTls {
        if (mode == null) {
            throw new TlsSettingsException("mode", "is missing");
        }
        ca = blankToNull(ca);
        caPath = blankToNull(caPath);
        clientCert = blankToNull(clientCert);
        clientCertPath = blankToNull(clientCertPath);
        clientKeyPath = blankToNull(clientKeyPath);
        boolean hasCa = ca != null || caPath != null;
        if (mode.verifiesCertificate() && !hasCa) {
            throw new TlsSettingsException("ca", mode + " checks the server's certificate against a CA: give the CA "
                    + "certificate as ca (PEM text) or caPath (a PEM file)");
        }
        if (!mode.verifiesCertificate() && hasCa) {
            throw new TlsSettingsException(ca != null ? "ca" : "caPath", mode + " does not check the server's "
                    + "certificate, so a CA would be ignored: use VERIFY_CA or VERIFY_IDENTITY, or leave the CA out");
        }
        if (clientCert != null && clientCertPath != null) {
            throw new TlsSettingsException("clientCert", "give the client certificate as clientCert or "
                    + "clientCertPath, not both");
        }
        boolean hasCert = clientCert != null || clientCertPath != null;
        if (mode == SslMode.DISABLED && (hasCert || clientKeyPath != null)) {
            throw new TlsSettingsException(hasCert ? (clientCert != null ? "clientCert" : "clientCertPath")
                    : "clientKeyPath", "DISABLED uses no certificate: choose another mode or leave it out");
        }
        if (hasCert && clientKeyPath == null) {
            throw new TlsSettingsException("clientKeyPath", "a client certificate needs its private key (a PKCS#8 "
                    + "PEM file)");
        }
        if (!hasCert && clientKeyPath != null) {
            throw new TlsSettingsException("clientCert", "a client key needs its certificate (clientCert or "
                    + "clientCertPath)");
        }
    }

    /**
     * Settings as a user gives them: {@code mode} may be {@code null}, which means PREFERRED, or VERIFY_CA when a CA
     * is given (MySQL's client does the same with {@code --ssl-ca} and no {@code --ssl-mode}).
     *
     * @throws TlsSettingsException for an unknown mode or settings that do not fit together
     */
    public static ClientTls of(String mode, String ca, String caPath, String clientCert, String clientCertPath,
                               String clientKeyPath) {
        SslMode m;
        if (mode == null || mode.isBlank()) {
            m = blankToNull(ca) != null || blankToNull(caPath) != null ? SslMode.VERIFY_CA : SslMode.PREFERRED;
        } else {
            try {
                m = SslMode.parse(mode);
            } catch (IllegalArgumentException e) {
                throw new TlsSettingsException("mode", e.getMessage());
            }
        }
        return new ClientTls(m, ca, caPath, clientCert, clientCertPath, clientKeyPath);
    }

    /** What a connection uses, read and parsed from the settings. */
    public record Material(List<X509Certificate> trusted, List<X509Certificate> clientChain, PrivateKey clientKey) {
        public Material {
            trusted = List.copyOf(trusted);
            clientChain = List.copyOf(clientChain);
        }

        /** Never shows the key. */
        @Override
        public String toString() {
            return "Material[" + trusted.size() + " CA certificate(s), client certificate " + !clientChain.isEmpty()
                    + "]";
        }
    }

    /**
     * Reads and parses every document, and checks that the client key belongs to the client certificate.
     *
     * @throws TlsSettingsException naming the setting at fault
     */
    public Material load() {
        List<X509Certificate> trusted = new ArrayList<>();
        if (ca != null) {
            trusted.addAll(certificates("ca", ca));
        }
        if (caPath != null) {
            trusted.addAll(certificates("caPath", read("caPath", caPath)));
        }
        List<X509Certificate> chain = List.of();
        PrivateKey key = null;
        if (clientCert != null || clientCertPath != null) {
            chain = clientCert != null ? certificates("clientCert", clientCert)
                    : certificates("clientCertPath", read("clientCertPath", clientCertPath));
            try {
                key = Pem.privateKey(read("clientKeyPath", clientKeyPath));
            } catch (IllegalArgumentException e) {
                throw new TlsSettingsException("clientKeyPath", clientKeyPath + " " + e.getMessage());
            }
            if (!matches(key, chain.get(0))) {
                throw new TlsSettingsException("clientKeyPath", clientKeyPath + " is not the private key of the "
                        + "client certificate (" + chain.get(0).getSubjectX500Principal().getName() + ")");
            }
        }
        return new Material(trusted, chain, key);
    }

    /**
     * Reads and parses every document, as a connection will.
     *
     * @throws TlsSettingsException naming the setting at fault
     */
    public void check() {
        load();
    }

    private static List<X509Certificate> certificates(String field, String pem) {
        try {
            return Pem.certificates(pem);
        } catch (IllegalArgumentException e) {
            throw new TlsSettingsException(field, e.getMessage());
        }
    }

    private static String read(String field, String path) {
        try {
            return new String(Files.readAllBytes(Path.of(path)), StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            throw new TlsSettingsException(field, "cannot read " + path + " on this node ("
                    + e.getClass().getSimpleName()
                    + (e.getMessage() == null || e.getMessage().equals(path) ? "" : ": " + e.getMessage()) + ")");
        }
    }

    /** Whether the key signs what the certificate's public key verifies. */
    private static boolean matches(PrivateKey key, X509Certificate cert) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
            case "DSA" -> "SHA256withDSA";
            default -> null;
        };
        if (algorithm == null) {
            return true; // the TLS handshake will tell
        }
        try {
            byte[] probe = "sluice key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** The mode and where the documents come from; never their content. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("ClientTls[").append(mode);
        if (ca != null) {
            b.append(", ca inline");
        }
        if (caPath != null) {
            b.append(", caPath ").append(caPath);
        }
        if (clientCert != null) {
            b.append(", clientCert inline");
        }
        if (clientCertPath != null) {
            b.append(", clientCertPath ").append(clientCertPath);
        }
        if (clientKeyPath != null) {
            b.append(", clientKeyPath ").append(clientKeyPath);
        }
        return b.append(']').toString();
    }
}
