package io.sluice.facade;

import io.netty.channel.ChannelHandlerContext;
import io.sluice.model.protocol.Auth;
import io.sluice.model.protocol.HandshakeResponse;
import io.sluice.model.protocol.MysqlError;
import io.sluice.model.protocol.PacketWriter;
import io.sluice.model.protocol.Packets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The login of one connection, from the client's first packet to the OK or the ERR: an SSLRequest and the TLS it
 * starts ({@link TlsUpgradeDecoder}), {@code require_secure_transport}, the HandshakeResponse, a plugin switch, and
 * caching_sha2_password's fast path or full authentication (the password NUL-terminated over TLS, or
 * RSA-encrypted after the client asked for the key). See MySQL's {@code sql/auth/sql_authentication.cc}
 * (server_mpvio_read_packet, parse_client_handshake_packet) and {@code sql/auth/sha2_password.cc}
 * (caching_sha2_password_authenticate). Used by the connection's event loop only; never logs a password.
 */
final class Login {
    private static final Logger LOG = LoggerFactory.getLogger(Login.class);

    private enum Step { HELLO, SWITCH, FULL_AUTH, RSA_PASSWORD }

    /** What the OK of a successful login is preceded by. */
    private enum Path { NATIVE, FAST, FULL }

    private final Credentials credentials;
    private final ReplicaRegistry registry;
    private final FacadeTls tls;
    private final CachingSha2Server sha2;
    private final Session session;
    private final ReplicaRegistry.Entry entry;
    private final PacketOut out;
    private final byte[] nonce;
    private Step step = Step.HELLO;
    private boolean secure;
    private Account pending;
    /** The plugin of the AuthSwitchRequest sent, whose answer {@link #switchResponse} checks. */
    private String pendingPlugin;
    /** How long the answer to this connection's login waits (see {@link LoginThrottle}). */
    private Duration answerDelay = Duration.ZERO;

    /** @param tls the facade's TLS, or {@code null} when it offers none */
    Login(Credentials credentials, ReplicaRegistry registry, FacadeTls tls, CachingSha2Server sha2, Session session,
          ReplicaRegistry.Entry entry, PacketOut out, byte[] nonce) {
        this.credentials = credentials;
        this.registry = registry;
        this.tls = tls;
        this.sha2 = sha2;
        this.session = session;
        this.entry = entry;
        this.out = out;
        this.nonce = nonce;
    }

    /** Whether the connection runs over TLS (from the SSLRequest on: the next packet came through TLS). */
    boolean secure() {
        return secure;
    }

    /**
     * Handles one packet of the login.
     *
     * @return whether the client is now logged in (its OK written, or scheduled when the address is slowed down)
     */
    boolean read(ChannelHandlerContext ctx, MysqlPacket packet) {
        out.sequence(packet.sequenceId() + 1);
        return switch (step) {
            case HELLO -> hello(ctx, packet.payload());
            case SWITCH -> switchResponse(ctx, packet.payload());
            case FULL_AUTH -> fullAuthentication(ctx, packet.payload());
            case RSA_PASSWORD -> rsaPassword(ctx, packet.payload());
        };
    }

    private boolean hello(ChannelHandlerContext ctx, byte[] payload) {
        answerDelay = registry.throttle().delay(session.remoteHost);
        if (HandshakeResponse.isSslRequest(payload)) {
            if (tls == null || secure) {
                out.writeAndFlush(Packets.err(MysqlError.ER_HANDSHAKE_ERROR));
                ctx.close();
                return false;
            }
            // TlsUpgradeDecoder has put the SslHandler in place; the HandshakeResponse comes through it
            secure = true;
            registry.metrics().tlsConnections.inc();
            return false;
        }
        HandshakeResponse hello = HandshakeResponse.parse(payload);
        session.user = hello.user();
        session.database = hello.database() == null || hello.database().isEmpty() ? null : hello.database();
        session.capabilities = hello.capabilities() & FacadeServerHandler.SERVER_CAPABILITIES;
        entry.user = hello.user();
        if (tls != null && tls.requireSecureTransport() && !secure) {
            LOG.info("connection {}: '{}'@'{}' refused: facade.tls.requireSecureTransport and no TLS",
                    session.connectionId, session.user, session.remoteHost);
            out.writeAndFlush(Packets.err(MysqlError.ER_SECURE_TRANSPORT_REQUIRED));
            ctx.close();
            return false;
        }
        Optional<Account> found = credentials.account(hello.user());
        if (found.isEmpty()) {
            return denied(ctx, hello.authResponse().length > 0);
        }
        Account account = found.get();
        String plugin = hello.authPlugin();
        byte[] response = hello.authResponse();
        // A client whose default plugin is mysql_native_password (mariadb --default-auth=mysql_native_password,
        // a MariaDB replica's I/O thread) drops the greeting's nonce, which was meant for caching_sha2_password,
        // and sends an empty response to get a switch (client_mpvio_read_packet of libmysqlclient, libmariadb and
        // MariaDB's server-side client); MySQL then switches it to the account's plugin. Taken for "no password",
        // it would be denied whatever its password. It is switched to mysql_native_password, the plugin it asked
        // for and therefore has (MariaDB's replication client has no caching_sha2_password and fails with error
        // 2059 when switched to it), when the account has that plugin.
        boolean nativeAwaitingSwitch = Account.NATIVE_PLUGIN.equals(plugin) && response.length == 0
                && account.hasPassword();
        if (Account.NATIVE_PLUGIN.equals(plugin) && !nativeAwaitingSwitch && account.supports(plugin)) {
            return finish(ctx, account, Auth.verifyNative(response, nonce, account.nativeHash()),
                    response.length > 0, Path.NATIVE);
        }
        if (Account.SHA2_PLUGIN.equals(plugin) && account.supports(plugin)) {
            return sha2(ctx, account, response);
        }
        // switch, with the greeting's nonce, to the plugin the client asked for when the account has it, else to
        // one the account has: caching_sha2_password first
        pending = account;
        pendingPlugin = Account.NATIVE_PLUGIN.equals(plugin) && account.supports(Account.NATIVE_PLUGIN)
                || !account.supports(Account.SHA2_PLUGIN) ? Account.NATIVE_PLUGIN : Account.SHA2_PLUGIN;
        step = Step.SWITCH;
        out.writeAndFlush(new PacketWriter(64).u8(Packets.EOF).nulString(pendingPlugin).bytes(nonce).u8(0)
                .toByteArray());
        return false;
    }

    private boolean switchResponse(ChannelHandlerContext ctx, byte[] response) {
        Account account = pending;
        boolean nativeSwitch = Account.NATIVE_PLUGIN.equals(pendingPlugin);
        pending = null;
        pendingPlugin = null;
        if (nativeSwitch) {
            return finish(ctx, account, Auth.verifyNative(response, nonce, account.nativeHash()),
                    response.length > 0, Path.NATIVE);
        }
        return sha2(ctx, account, response);
    }

    /**
     * caching_sha2_password's first exchange: the fast path for an account known by SHA256(SHA256(password)), or
     * for one in MySQL's stored form whose hash a full authentication has cached; otherwise, as MySQL whenever its
     * cache has no (matching) entry, {@code 0x01 0x04}: perform full authentication.
     */
    private boolean sha2(ChannelHandlerContext ctx, Account account, byte[] response) {
        if (account.sha2Crypt() == null) {
            return finish(ctx, account, Auth.verifySha2(response, nonce, account.sha2Hash()), response.length > 0,
                    Path.FAST);
        }
        if (response.length != 32) {
            return denied(ctx, response.length > 0);
        }
        byte[] cached = sha2.fastHash(account);
        if (cached != null && Auth.verifySha2(response, nonce, cached)) {
            return finish(ctx, account, true, true, Path.FAST);
        }
        LOG.debug("connection {}: '{}'@'{}' needs caching_sha2_password full authentication ({})",
                session.connectionId, session.user, session.remoteHost, secure ? "TLS" : "RSA");
        pending = account;
        step = Step.FULL_AUTH;
        out.writeAndFlush(new byte[] {0x01, Auth.PERFORM_FULL_AUTH});
        return false;
    }

    /**
     * The client's answer to {@code 0x01 0x04}: over TLS the password and a NUL; otherwise a request for the
     * public key ({@code 0x02}), or the password already encrypted with it (a client given the key beforehand).
     */
    private boolean fullAuthentication(ChannelHandlerContext ctx, byte[] payload) {
        if (secure) {
            int nul = CachingSha2Server.indexOfNul(payload);
            byte[] password = nul < 0 ? null : Arrays.copyOf(payload, nul);
            Arrays.fill(payload, (byte) 0);
            return verifyFull(ctx, password);
        }
        if (payload.length == 1 && payload[0] == Auth.REQUEST_PUBLIC_KEY) {
            step = Step.RSA_PASSWORD;
            byte[] pem = sha2.publicKeyPem();
            out.writeAndFlush(new PacketWriter(pem.length + 1).u8(0x01).bytes(pem).toByteArray());
            return false;
        }
        return rsaPassword(ctx, payload);
    }

    private boolean rsaPassword(ChannelHandlerContext ctx, byte[] encrypted) {
        return verifyFull(ctx, sha2.decryptPassword(encrypted, nonce));
    }

    private boolean verifyFull(ChannelHandlerContext ctx, byte[] password) {
        Account account = pending;
        pending = null;
        boolean ok = password != null && sha2.verifyAndRemember(account, password);
        if (password != null) {
            Arrays.fill(password, (byte) 0);
        }
        if (ok) {
            registry.metrics().fullAuthentications.inc();
        }
        return finish(ctx, account, ok, true, Path.FULL);
    }

    private boolean finish(ChannelHandlerContext ctx, Account account, boolean ok, boolean usedPassword, Path path) {
        if (!ok) {
            return denied(ctx, usedPassword);
        }
        session.admin = account.admin();
        registry.throttle().succeeded(session.remoteHost);
        answer(ctx, () -> {
            if (path == Path.FAST && usedPassword) {
                out.write(new byte[] {0x01, Auth.FAST_AUTH_SUCCESS});
            }
            out.writeAndFlush(Packets.ok(0, 0, Packets.STATUS_AUTOCOMMIT, 0));
        });
        LOG.debug("connection {}: {}@{} authenticated ({}{})", session.connectionId, session.user,
                session.remoteHost, path == Path.NATIVE ? "mysql_native_password" : path == Path.FAST
                        ? "caching_sha2_password fast path" : "caching_sha2_password full authentication",
                secure ? ", TLS" : "");
        return true;
    }

    private boolean denied(ChannelHandlerContext ctx, boolean usedPassword) {
        registry.metrics().authFailures.inc();
        registry.throttle().failed(session.remoteHost);
        LOG.info("connection {}: access denied for '{}'@'{}'", session.connectionId, session.user,
                session.remoteHost);
        answer(ctx, () -> {
            out.writeAndFlush(Packets.err(MysqlError.ER_ACCESS_DENIED_ERROR, session.user, session.remoteHost,
                    usedPassword ? "YES" : "NO"));
            ctx.close();
        });
        return false;
    }

    /** Gives the login's answer now, or after {@link #answerDelay} when the address keeps failing. */
    private void answer(ChannelHandlerContext ctx, Runnable write) {
        if (answerDelay.isZero()) {
            write.run();
        } else {
            LOG.debug("connection {}: answering the login of {} in {} ms (failed logins)", session.connectionId,
                    session.remoteHost, answerDelay.toMillis());
            ctx.executor().schedule(write, answerDelay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
