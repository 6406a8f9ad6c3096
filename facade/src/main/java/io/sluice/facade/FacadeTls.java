package io.sluice.facade;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * The facade's TLS, built once when the node starts: the server's certificate chain and private key (PEM files, as
 * MySQL's {@code ssl_cert} and {@code ssl_key}), optionally a CA whose client certificates are then required, and
 * whether logins without TLS are refused (MySQL's {@code require_secure_transport}). Clients ask for TLS with an
 * SSLRequest (see {@link TlsUpgradeDecoder}).
 */
public final class FacadeTls {
    private final SslContext context;
    private final boolean requireSecureTransport;
    private final boolean clientCertificates;

    private FacadeTls(SslContext context, boolean requireSecureTransport, boolean clientCertificates) {
        this.context = context;
        this.requireSecureTransport = requireSecureTransport;
        this.clientCertificates = clientCertificates;
    }

    /**
     * A setting whose file cannot be used; {@link #setting()} names it as in the configuration's {@code tls}
     * section ({@code certificate}, {@code privateKey}, {@code clientCa}).
     */
    public static final class SettingException extends IllegalArgumentException {
        private final String setting;

        SettingException(String setting, String message) {
            super(message);
            this.setting = setting;
        }

        public String setting() {
            return setting;
        }
    }

    /**
     * Reads the files and builds the TLS context, or says which file is at fault and why.
     *
     * @param certificate            PEM certificate chain, the server's certificate first
     * @param privateKey             PEM private key of that certificate: PKCS#8 ({@code BEGIN PRIVATE KEY}), or
     *                               whatever else Netty's {@link SslContextBuilder#forServer(java.io.File,
     *                               java.io.File)} reads
     * @param clientCa               PEM CA certificates that sign the clients' certificates, which are then required;
     *                               {@code null} = clients need none
     * @param requireSecureTransport refuse logins without TLS with MySQL's ERR 3159
     * @throws SettingException naming the setting at fault
     */
    public static FacadeTls load(Path certificate, Path privateKey, Path clientCa, boolean requireSecureTransport) {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
        List<X509Certificate> chain = certificates("certificate", certificate);
        readable("privateKey", privateKey);
        checkKeyMatches(chain.get(0), privateKey);
        SslContextBuilder builder;
        try {
            builder = SslContextBuilder.forServer(certificate.toFile(), privateKey.toFile());
        } catch (IllegalArgumentException e) {
            throw new SettingException("privateKey", privateKey + " holds no private key TLS can use (an unencrypted "
                    + "PKCS#8 PEM file, BEGIN PRIVATE KEY, is what it reads): " + e.getMessage());
        }
        if (clientCa != null) {
            certificates("clientCa", clientCa);
            builder.trustManager(clientCa.toFile()).clientAuth(ClientAuth.REQUIRE);
        }
        try {
            return new FacadeTls(builder.build(), requireSecureTransport, clientCa != null);
        } catch (IOException | IllegalArgumentException e) {
            throw new SettingException("certificate", "cannot make a TLS context of " + certificate + " and "
                    + privateKey + ": " + e.getMessage());
        }
    }

    private static void readable(String setting, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new SettingException(setting, file + " does not exist or is not a file");
        }
        if (!Files.isReadable(file)) {
            throw new SettingException(setting, file + " cannot be read by this process");
        }
    }

    private static List<X509Certificate> certificates(String setting, Path file) {
        readable(setting, file);
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> chain = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                chain.add((X509Certificate) c);
            }
            if (chain.isEmpty()) {
                throw new SettingException(setting, file + " holds no PEM certificate (BEGIN CERTIFICATE)");
            }
            return chain;
        } catch (IOException | CertificateException e) {
            throw new SettingException(setting, file + " holds no readable PEM certificate: " + e.getMessage());
        }
    }

    /**
     * Checks that the key belongs to the certificate by signing with one and verifying with the other: Netty
     * would accept a mismatched pair and every handshake would fail. Done for PKCS#8 keys; other forms Netty reads
     * are checked by the first handshake only.
     */
    private static void checkKeyMatches(X509Certificate certificate, Path keyFile) {
        PrivateKey key = pkcs8(keyFile);
        if (key == null) {
            return;
        }
        PublicKey expected = certificate.getPublicKey();
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "DSA" -> "SHA256withDSA";
            default -> key.getAlgorithm();
        };
        boolean matches;
        try {
            byte[] probe = "sluice".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(expected);
            verifier.update(probe);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw new SettingException("privateKey", keyFile + " is not the private key of the certificate "
                    + certificate.getSubjectX500Principal().getName());
        }
    }

    /** The key of an unencrypted PKCS#8 PEM file, or {@code null} when the file holds another form. */
    private static PrivateKey pkcs8(Path file) {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new SettingException("privateKey", file + " cannot be read: " + e.getMessage());
        }
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            return null;
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
        } catch (IllegalArgumentException e) {
            throw new SettingException("privateKey", file + " holds a PKCS#8 PEM block that is not base-64");
        }
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "DSA")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // not this algorithm; try the next
            }
        }
        throw new SettingException("privateKey", file + " holds a PKCS#8 key of no algorithm this JVM reads");
    }

    SslContext context() {
        return context;
    }

    /** Whether logins without TLS are refused with ERR 3159. */
    public boolean requireSecureTransport() {
        return requireSecureTransport;
    }

    /** Whether clients must present a certificate signed by the configured CA. */
    public boolean clientCertificates() {
        return clientCertificates;
    }

    @Override
    public String toString() {
        return "FacadeTls[requireSecureTransport=" + requireSecureTransport + ", clientCertificates="
                + clientCertificates + "]";
    }
}
