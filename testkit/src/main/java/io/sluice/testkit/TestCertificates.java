package io.sluice.testkit;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A throw-away PKI for the TLS tests, written as PEM files (what mysqld, Sluice's configuration and
 * {@code CHANGE REPLICATION SOURCE TO … SOURCE_SSL_CA} read) and PKCS#12 stores (what Java clients read):
 * <ul>
 *   <li>a CA;</li>
 *   <li>a server certificate signed by it for {@code 127.0.0.1}, {@code ::1} and {@code localhost};</li>
 *   <li>a server certificate signed by it for {@code wrong.example} only, for identity checks that must fail;</li>
 *   <li>a client certificate signed by it;</li>
 *   <li>a second CA that signed none of them, for CA checks that must fail.</li>
 * </ul>
 * Keys are RSA 2048; certificates are valid from an hour ago for a day. Every file is under the directory given.
 */
public final class TestCertificates {
    /** The password of every PKCS#12 store written here. */
    public static final String STORE_PASSWORD = "changeit";
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** Makes the CA, the certificates and their files under {@code dir} (created when missing). */
    public static TestCertificates create(Path dir) {
        try {
            Files.createDirectories(dir);
            KeyPair caKeys = rsa();
            X509Certificate ca = selfSignedCa("Sluice Test CA", caKeys);
            KeyPair otherKeys = rsa();
            X509Certificate otherCa = selfSignedCa("Sluice Other Test CA", otherKeys);
            TestCertificates certs = new TestCertificates(dir);
            certs.writeCert("ca.pem", ca);
            certs.writeCert("other-ca.pem", otherCa);
            certs.writeLeaf("server", "127.0.0.1", List.of(
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.iPAddress, "::1"),
                    new GeneralName(GeneralName.dNSName, "localhost")), ca, caKeys, true);
            certs.writeLeaf("wrong-name", "wrong.example", List.of(
                    new GeneralName(GeneralName.dNSName, "wrong.example")), ca, caKeys, true);
            certs.writeLeaf("client", "sluice-test-client", List.of(), ca, caKeys, false);
            certs.writeTrustStore("truststore.p12", ca);
            certs.writeTrustStore("other-truststore.p12", otherCa);
            return certs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException("cannot make test certificates: " + e.getMessage(), e);
        }
    }

    /** The directory holding every file. */
    public Path dir() {
        return dir;
    }

    /** The CA certificate (PEM) that signed the server, wrong-name and client certificates. */
    public Path caPem() {
        return dir.resolve("ca.pem");
    }

    /** A CA certificate (PEM) that signed nothing here. */
    public Path otherCaPem() {
        return dir.resolve("other-ca.pem");
    }

    /** The server certificate (PEM) for 127.0.0.1, ::1 and localhost. */
    public Path serverCertPem() {
        return dir.resolve("server-cert.pem");
    }

    /** The server certificate's private key (PKCS#8 PEM, unencrypted). */
    public Path serverKeyPem() {
        return dir.resolve("server-key.pem");
    }

    /** A server certificate (PEM) for {@code wrong.example} only, signed by {@link #caPem()}. */
    public Path wrongNameCertPem() {
        return dir.resolve("wrong-name-cert.pem");
    }

    /** The wrong-name certificate's private key (PKCS#8 PEM). */
    public Path wrongNameKeyPem() {
        return dir.resolve("wrong-name-key.pem");
    }

    /** A client certificate (PEM) signed by {@link #caPem()}. */
    public Path clientCertPem() {
        return dir.resolve("client-cert.pem");
    }

    /** The client certificate's private key (PKCS#8 PEM). */
    public Path clientKeyPem() {
        return dir.resolve("client-key.pem");
    }

    /** The server key and certificate chain as a PKCS#12 key store ({@link #STORE_PASSWORD}, alias "server"). */
    public Path serverKeyStore() {
        return dir.resolve("server.p12");
    }

    /** The client key and certificate chain as a PKCS#12 key store ({@link #STORE_PASSWORD}, alias "client"). */
    public Path clientKeyStore() {
        return dir.resolve("client.p12");
    }

    /** A PKCS#12 trust store ({@link #STORE_PASSWORD}) holding the CA. */
    public Path trustStore() {
        return dir.resolve("truststore.p12");
    }

    /** A PKCS#12 trust store ({@link #STORE_PASSWORD}) holding only the other CA. */
    public Path otherTrustStore() {
        return dir.resolve("other-truststore.p12");
    }

    private static KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static X509Certificate selfSignedCa(String name, KeyPair keys)
            throws GeneralSecurityException, IOException, org.bouncycastle.operator.OperatorCreationException {
        X500Name subject = new X500Name("CN=" + name);
        X509v3CertificateBuilder builder = builder(subject, subject, keys);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return sign(builder, keys);
    }

    private void writeLeaf(String name, String commonName, List<GeneralName> altNames, X509Certificate ca,
                           KeyPair caKeys, boolean server)
            throws GeneralSecurityException, IOException, org.bouncycastle.operator.OperatorCreationException {
        KeyPair keys = rsa();
        X509v3CertificateBuilder builder = builder(X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()),
                new X500Name("CN=" + commonName), keys);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true,
                new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        builder.addExtension(Extension.authorityKeyIdentifier, false,
                new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca));
        if (!altNames.isEmpty()) {
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(altNames.toArray(GeneralName[]::new)));
        }
        X509Certificate cert = sign(builder, caKeys);
        writeCert(name + "-cert.pem", cert);
        writePem(name + "-key.pem", "PRIVATE KEY", keys.getPrivate().getEncoded());
        if (!"wrong-name".equals(name)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(server ? "server" : "client", keys.getPrivate(), STORE_PASSWORD.toCharArray(),
                    new Certificate[] {cert, ca});
            try (OutputStream out = Files.newOutputStream(dir.resolve(name + ".p12"))) {
                store.store(out, STORE_PASSWORD.toCharArray());
            }
        }
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIALS.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject,
                keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer)
            throws GeneralSecurityException, org.bouncycastle.operator.OperatorCreationException {
        ContentSigner contentSigner = new JcaContentSignerBuilder("SHA256withRSA").build(signer.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
    }

    private void writeTrustStore(String file, X509Certificate ca) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", ca);
        try (OutputStream out = Files.newOutputStream(dir.resolve(file))) {
            store.store(out, STORE_PASSWORD.toCharArray());
        }
    }

    private void writeCert(String file, X509Certificate cert) throws GeneralSecurityException, IOException {
        writePem(file, "CERTIFICATE", cert.getEncoded());
    }

    private void writePem(String file, String type, byte[] der) throws IOException {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        Files.writeString(dir.resolve(file), "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type
                + "-----\n", StandardCharsets.US_ASCII);
    }
}
