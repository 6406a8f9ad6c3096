package io.sluice.model.client.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The check of the server's certificate for each {@link SslMode}: none for PREFERRED and REQUIRED (as MySQL's
 * client), the chain against the configured CAs for VERIFY_CA, and also the host name or IP address (JSSE's HTTPS
 * endpoint identification, RFC 2818 / RFC 6125) for VERIFY_IDENTITY. A refusal says in plain words which check
 * failed, as a {@link Rejected}.
 */
final class ServerCertificateCheck extends X509ExtendedTrustManager {
    /** Why the server's certificate was refused; found in the causes of the handshake's exception. */
    static final class Rejected extends CertificateException {
        private static final long serialVersionUID = 1L;

        Rejected(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final X509ExtendedTrustManager pkix;
    private final boolean identity;

    private ServerCertificateCheck(X509ExtendedTrustManager pkix, boolean identity) {
        this.pkix = pkix;
        this.identity = identity;
    }

    /** The trust manager for {@code mode}; {@code trusted} are the configured CAs (used by VERIFY_* only). */
    static X509ExtendedTrustManager forMode(SslMode mode, List<X509Certificate> trusted)
            throws GeneralSecurityException {
        if (!mode.verifiesCertificate()) {
            return new AcceptAny();
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException(e);
        }
        for (int i = 0; i < trusted.size(); i++) {
            store.setCertificateEntry("ca-" + i, trusted.get(i));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(store);
        for (var tm : factory.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager x) {
                return new ServerCertificateCheck(x, mode == SslMode.VERIFY_IDENTITY);
            }
        }
        throw new GeneralSecurityException("no PKIX trust manager");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkChain(chain, authType);
        if (identity) {
            try {
                // with the socket, JSSE also matches the host against the certificate (endpoint identification)
                pkix.checkServerTrusted(chain, authType, socket);
            } catch (CertificateException e) {
                throw new Rejected("the server's certificate does not name " + (socket == null ? "the host"
                        : hostOf(socket)) + " (it names " + names(chain[0]) + ")", e);
            }
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkChain(chain, authType);
        if (identity) {
            try {
                pkix.checkServerTrusted(chain, authType, engine);
            } catch (CertificateException e) {
                throw new Rejected("the server's certificate does not name " + engine.getPeerHost() + " (it names "
                        + names(chain[0]) + ")", e);
            }
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        checkChain(chain, authType);
    }

    /** The chain alone, against the CAs: no socket, so no endpoint identification. */
    private void checkChain(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            pkix.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            X509Certificate leaf = chain[0];
            if (expired(e)) {
                throw new Rejected("the server's certificate (" + leaf.getSubjectX500Principal().getName()
                        + ") is outside its validity period " + leaf.getNotBefore().toInstant() + " to "
                        + leaf.getNotAfter().toInstant(), e);
            }
            throw new Rejected("the server's certificate is not signed by the configured CA (it is "
                    + leaf.getSubjectX500Principal().getName() + ", issued by "
                    + leaf.getIssuerX500Principal().getName() + ")", e);
        }
    }

    private static boolean expired(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof CertificateExpiredException || c instanceof CertificateNotYetValidException) {
                return true;
            }
            if (c instanceof CertPathValidatorException v
                    && (v.getReason() == CertPathValidatorException.BasicReason.EXPIRED
                    || v.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID)) {
                return true;
            }
        }
        return false;
    }

    private static String hostOf(Socket socket) {
        if (socket instanceof javax.net.ssl.SSLSocket ssl && ssl.getHandshakeSession() != null
                && ssl.getHandshakeSession().getPeerHost() != null) {
            return ssl.getHandshakeSession().getPeerHost();
        }
        return String.valueOf(socket.getInetAddress());
    }

    /** The DNS names and IP addresses of the certificate, or its subject when it has none. */
    static String names(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alt = cert.getSubjectAlternativeNames();
            if (alt != null) {
                for (List<?> entry : alt) {
                    int type = (Integer) entry.get(0);
                    if (type == 2 || type == 7) { // dNSName, iPAddress
                        names.add(String.valueOf(entry.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // fall back on the subject
        }
        return names.isEmpty() ? "only " + cert.getSubjectX500Principal().getName() : String.join(", ", names);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("a client does not check clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("a client does not check clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a client does not check clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
    }

    /**
     * PREFERRED and REQUIRED: any certificate, as MySQL's client does in these modes. The connection is encrypted
     * against a passive eavesdropper, not against an active man in the middle.
     */
    static final class AcceptAny extends X509ExtendedTrustManager implements X509TrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            // not checked in this mode
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            // not checked in this mode
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // not checked in this mode
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("a client does not check clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("a client does not check clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a client does not check clients");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
