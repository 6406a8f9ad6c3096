package io.sluice.model.client.tls;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM documents (RFC 7468) as MySQL's {@code --ssl-ca}, {@code --ssl-cert} and {@code --ssl-key} take them:
 * certificates, and unencrypted PKCS#8 private keys. Text around the blocks (the "Bag Attributes" and "subject="
 * lines openssl writes) is ignored. Messages never quote a key's content.
 */
public final class Pem {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "EdDSA", "RSASSA-PSS", "DSA");

    private Pem() {
    }

    /** One block: its label ({@code CERTIFICATE}, {@code PRIVATE KEY}, …) and its decoded bytes. */
    record Block(String label, byte[] der) {
    }

    static List<Block> blocks(String text) {
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            try {
                blocks.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the " + m.group(1) + " block is not valid base64");
            }
        }
        return blocks;
    }

    /**
     * Every certificate of a PEM text, in order (a CA bundle, or a certificate and its intermediates).
     *
     * @throws IllegalArgumentException when there is none, or one cannot be read
     */
    public static List<X509Certificate> certificates(String text) {
        List<X509Certificate> certs = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Block b : blocks(text)) {
                if (b.label().equals("CERTIFICATE") || b.label().equals("X509 CERTIFICATE")
                        || b.label().equals("TRUSTED CERTIFICATE")) {
                    certs.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
                }
            }
        } catch (CertificateException e) {
            throw new IllegalArgumentException("not a valid X.509 certificate (" + e.getMessage() + ")");
        }
        if (certs.isEmpty()) {
            throw new IllegalArgumentException("holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return certs;
    }

    /**
     * The private key of a PEM text: one unencrypted PKCS#8 block ({@code -----BEGIN PRIVATE KEY-----}), RSA, EC or
     * EdDSA. Keys in other forms are refused with the openssl command that converts them.
     *
     * @throws IllegalArgumentException when there is no such key; the message never holds the key
     */
    public static PrivateKey privateKey(String text) {
        for (Block b : blocks(text)) {
            switch (b.label()) {
                case "PRIVATE KEY":
                    return pkcs8(b.der());
                case "RSA PRIVATE KEY":
                case "EC PRIVATE KEY":
                    throw new IllegalArgumentException("holds a " + b.label() + " (PKCS#1/SEC1); Sluice reads PKCS#8: "
                            + "convert it with `openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem`");
                case "ENCRYPTED PRIVATE KEY":
                    throw new IllegalArgumentException("holds an encrypted private key; Sluice reads unencrypted "
                            + "PKCS#8 (protect the file by its permissions): `openssl pkcs8 -topk8 -nocrypt -in "
                            + "key.pem -out key-pkcs8.pem`");
                default:
                    break;
            }
        }
        throw new IllegalArgumentException("holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
    }

    private static PrivateKey pkcs8(byte[] der) {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException | ClassCastException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException("holds a PRIVATE KEY block that is not an RSA, EC or EdDSA PKCS#8 key");
    }
}
