package io.sluice.model.client.tls;

import io.sluice.model.protocol.MysqlError;
import io.sluice.model.protocol.MysqlException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * Layers TLS over a connected socket, after the client sent MySQL's SSLRequest ({@code sql-common/client.cc},
 * {@code ssl_connect}). Failures that no reconnect cures — a certificate refused by the mode's check, settings that
 * cannot be read, a server that offers no TLS to a mode that requires it, a handshake the server refuses — are
 * {@link MysqlException}s with MySQL's client code 2026 (CR_SSL_CONNECTION_ERROR) naming host:port and the mode. A
 * connection that breaks during the handshake stays an {@link IOException}, as any other broken connection.
 */
public final class TlsUpgrade {
    private TlsUpgrade() {
    }

    /**
     * The TLS socket over {@code socket}, its handshake done; closing it closes {@code socket}.
     *
     * @param host the host name or address connected to: what VERIFY_IDENTITY matches the certificate against
     * @throws MysqlException 2026 when the server's certificate is refused or the settings cannot be used
     * @throws IOException    when the connection breaks during the handshake
     */
    public static SSLSocket upgrade(Socket socket, String host, int port, ClientTls tls) throws IOException {
        SSLContext context;
        try {
            ClientTls.Material material = tls.load();
            context = SSLContext.getInstance("TLS");
            X509ExtendedKeyManager[] keys = material.clientChain().isEmpty() ? null
                    : new X509ExtendedKeyManager[] {new ClientKey(material.clientChain(), material.clientKey())};
            context.init(keys,
                    new javax.net.ssl.TrustManager[] {ServerCertificateCheck.forMode(tls.mode(), material.trusted())},
                    null);
        } catch (TlsSettingsException e) {
            throw failure(host, port, tls.mode(), e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw failure(host, port, tls.mode(), "cannot set up TLS: " + e.getMessage(), e);
        }
        SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(socket, host, port, true);
        ssl.setUseClientMode(true);
        if (tls.mode() == SslMode.VERIFY_IDENTITY) {
            SSLParameters parameters = ssl.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            ssl.setSSLParameters(parameters);
        }
        try {
            ssl.startHandshake();
            return ssl;
        } catch (SSLException e) {
            ServerCertificateCheck.Rejected rejected = find(e, ServerCertificateCheck.Rejected.class);
            if (rejected != null) {
                throw failure(host, port, tls.mode(), rejected.getMessage(), e);
            }
            if (brokenConnection(e)) {
                throw e;
            }
            throw failure(host, port, tls.mode(), "the TLS handshake failed: " + e.getMessage(), e);
        }
    }

    /** REQUIRED, VERIFY_CA or VERIFY_IDENTITY towards a server whose greeting has no CLIENT_SSL. */
    public static MysqlException notOffered(String host, int port, SslMode mode) {
        return failure(host, port, mode, "the server does not offer TLS (it runs without a certificate, or with "
                + "tls_version empty); use another server or ssl mode " + SslMode.PREFERRED + " or "
                + SslMode.DISABLED, null);
    }

    private static MysqlException failure(String host, int port, SslMode mode, String why, Throwable cause) {
        MysqlException e = MysqlError.CR_SSL_CONNECTION_ERROR.exception("TLS to " + host + ":" + port + " failed ("
                + mode + "): " + why);
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

    private static boolean brokenConnection(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof EOFException || c instanceof SocketException
                    || c instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    /**
     * The client certificate, offered whatever CAs the server names in its request, as MySQL's client (OpenSSL)
     * does: the server decides whether it accepts it.
     */
    private static final class ClientKey extends X509ExtendedKeyManager {
        private static final String ALIAS = "client";
        private final X509Certificate[] chain;
        private final PrivateKey key;

        ClientKey(java.util.List<X509Certificate> chain, PrivateKey key) {
            this.chain = chain.toArray(X509Certificate[]::new);
            this.key = key;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {ALIAS};
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return ALIAS;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return ALIAS;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return ALIAS.equals(alias) ? chain.clone() : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? key : null;
        }

        /** Never shows the key. */
        @Override
        public String toString() {
            return "ClientKey[" + chain[0].getSubjectX500Principal().getName() + "]";
        }
    }
}
