package io.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The test PKI as a real mysqld and Connector/J read it: the server's files load, and the checks hold. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TestCertificatesTest {

  @Test
  void mysqldServesTheCertificateAndClientsVerifyItByCaAndByName(@TempDir Path dir) throws Exception {
    TestCertificates certs = TestCertificates.create(dir);
    assertThat(Files.readString(certs.serverKeyPem())).startsWith("-----BEGIN PRIVATE KEY-----");
    try (MysqlServer server = MysqlServer.start(1, "--ssl-ca=" + certs.caPem(),
        "--ssl-cert=" + certs.serverCertPem(), "--ssl-key=" + certs.serverKeyPem())) {
      try (Connection c = DriverManager.getConnection(url(server, "VERIFY_IDENTITY", certs.trustStore()),
          MysqlServer.ROOT_USER, "")) {
        assertThat(sslCipher(c)).isNotEmpty();
      }
      // a client that trusts only the other CA refuses the server
      assertThatThrownBy(() -> DriverManager.getConnection(url(server, "VERIFY_CA", certs.otherTrustStore()),
          MysqlServer.ROOT_USER, "").close())
          .isInstanceOf(SQLException.class);
    }
  }

  private static String url(MysqlServer server, String sslMode, Path trustStore) {
    return "jdbc:mysql://" + server.host() + ":" + server.port() + "/?sslMode=" + sslMode
        + "&trustCertificateKeyStoreUrl=" + trustStore.toUri()
        + "&trustCertificateKeyStoreType=PKCS12&trustCertificateKeyStorePassword="
        + TestCertificates.STORE_PASSWORD;
  }

  private static String sslCipher(Connection c) throws SQLException {
    try (ResultSet rs = c.createStatement().executeQuery("SHOW SESSION STATUS LIKE 'Ssl_cipher'")) {
      assertThat(rs.next()).isTrue();
      return rs.getString(2);
    }
  }
}
