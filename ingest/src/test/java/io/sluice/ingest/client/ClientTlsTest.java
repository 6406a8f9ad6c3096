package io.sluice.ingest.client;

import io.sluice.model.client.tls.ClientTls;
import io.sluice.model.client.tls.SslMode;
import io.sluice.model.client.tls.TlsSettingsException;
import io.sluice.testkit.TestCertificates;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The TLS settings the syncer's connections get ({@link ClientTls}, in {@code model}, tested here where the test PKI
 * is at hand): defaults, what is refused up front and with which field, and that no message ever holds a key.
 */
class ClientTlsTest {
    private static TestCertificates certs;

    @BeforeAll
    static void pki() throws Exception {
        certs = TestCertificates.create(Files.createTempDirectory("sluice-client-tls"));
    }

    private static TlsSettingsException refused(Runnable r) {
        TlsSettingsException e = catchThrowableOfType(r::run, TlsSettingsException.class);
        assertThat(e).as("refused").isNotNull();
        return e;
    }

    @Test
    void defaultsAreMysqlClientDefaults() {
        assertThat(ClientTls.of(null, null, null, null, null, null).mode()).isEqualTo(SslMode.PREFERRED);
        assertThat(ClientTls.of("", null, certs.caPem().toString(), null, null, null).mode())
                .isEqualTo(SslMode.VERIFY_CA);
        assertThat(ClientTls.of("verify_identity", null, certs.caPem().toString(), null, null, null).mode())
                .isEqualTo(SslMode.VERIFY_IDENTITY);
        assertThat(SslMode.REQUIRED.requiresTls()).isTrue();
        assertThat(SslMode.PREFERRED.requiresTls()).isFalse();
        assertThat(SslMode.REQUIRED.verifiesCertificate()).isFalse();
    }

    @Test
    void settingsThatDoNotFitAreRefusedNamingTheField() {
        TlsSettingsException mode = refused(() -> ClientTls.of("SOMETIMES", null, null, null, null, null));
        assertThat(mode.field()).isEqualTo("mode");
        assertThat(mode.reason()).contains("DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY");
        assertThat(refused(() -> ClientTls.of("VERIFY_CA", null, null, null, null, null)).field()).isEqualTo("ca");
        assertThat(refused(() -> ClientTls.of("VERIFY_IDENTITY", " ", null, null, null, null)).field())
                .isEqualTo("ca");
        assertThat(refused(() -> ClientTls.of("REQUIRED", null, certs.caPem().toString(), null, null, null)).field())
                .isEqualTo("caPath");
        assertThat(refused(() -> ClientTls.of("DISABLED", null, null, null, certs.clientCertPem().toString(),
                certs.clientKeyPem().toString())).field()).isEqualTo("clientCertPath");
        assertThat(refused(() -> ClientTls.of("REQUIRED", null, null, null, certs.clientCertPem().toString(), null))
                .field()).isEqualTo("clientKeyPath");
        assertThat(refused(() -> ClientTls.of("REQUIRED", null, null, null, null, certs.clientKeyPem().toString()))
                .field()).isEqualTo("clientCert");
    }

    @Test
    void documentsAreReadAndCheckedByLoad() throws Exception {
        ClientTls good = ClientTls.of("VERIFY_IDENTITY", Files.readString(certs.otherCaPem()),
                certs.caPem().toString(), null, certs.clientCertPem().toString(), certs.clientKeyPem().toString());
        ClientTls.Material m = good.load();
        assertThat(m.trusted()).hasSize(2);
        assertThat(m.clientChain()).hasSize(1);
        assertThat(m.clientKey()).isNotNull();

        TlsSettingsException missing = refused(() -> ClientTls.of("VERIFY_CA", null, "/nonexistent/ca.pem", null,
                null, null).check());
        assertThat(missing.field()).isEqualTo("caPath");
        assertThat(missing.reason()).contains("cannot read /nonexistent/ca.pem");
        TlsSettingsException notPem = refused(() -> ClientTls.of("VERIFY_CA", "not a certificate", null, null,
                null, null).check());
        assertThat(notPem.field()).isEqualTo("ca");
        assertThat(notPem.reason()).contains("no PEM certificate");
        String broken = Files.readString(certs.caPem()).replace("-----\nMII", "-----\nAAA"); // no DER SEQUENCE
        assertThat(refused(() -> ClientTls.of("VERIFY_CA", broken, null, null, null, null).check()).field())
                .isEqualTo("ca");
    }

    @Test
    void aKeyThatIsNotTheCertificatesOrNotPkcs8IsRefusedWithoutShowingIt() throws Exception {
        TlsSettingsException wrongKey = refused(() -> ClientTls.of("REQUIRED", null, null, null,
                certs.clientCertPem().toString(), certs.serverKeyPem().toString()).check());
        assertThat(wrongKey.field()).isEqualTo("clientKeyPath");
        assertThat(wrongKey.reason()).contains("is not the private key of the client certificate");

        // PKCS#1, as older openssl and mysql_ssl_rsa_setup write it: same base64 body under another label
        Path pkcs1 = Files.createTempFile(certs.dir(), "pkcs1", ".pem");
        String key = Files.readString(certs.clientKeyPem());
        Files.writeString(pkcs1, key.replace("PRIVATE KEY", "RSA PRIVATE KEY"));
        TlsSettingsException wrongForm = refused(() -> ClientTls.of("REQUIRED", null, null, null,
                certs.clientCertPem().toString(), pkcs1.toString()).check());
        assertThat(wrongForm.reason()).contains("openssl pkcs8 -topk8 -nocrypt");

        Path notAKey = Files.createTempFile(certs.dir(), "not-a-key", ".pem");
        Files.writeString(notAKey, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(new byte[64]) + "\n-----END PRIVATE KEY-----\n");
        assertThat(refused(() -> ClientTls.of("REQUIRED", null, null, null, certs.clientCertPem().toString(),
                notAKey.toString()).check()).reason()).contains("not an RSA, EC or EdDSA PKCS#8 key");

        ClientTls good = ClientTls.of("REQUIRED", null, null, null, certs.clientCertPem().toString(),
                certs.clientKeyPem().toString());
        String body = key.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
        for (String shown : new String[] {good.toString(), good.load().toString(), wrongKey.getMessage(),
                wrongForm.getMessage()}) {
            assertThat(shown).doesNotContain(body);
        }
        assertThat(good.toString()).contains("REQUIRED").contains("clientKeyPath " + certs.clientKeyPem());
    }
}
