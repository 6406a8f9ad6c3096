package io.sluice.app.core;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.dropwizard.lifecycle.Managed;
import io.sluice.app.SluiceConfiguration;
import io.sluice.app.api.FacadeView;
import io.sluice.facade.Account;
import io.sluice.facade.Credentials;
import io.sluice.facade.FacadeConfig;
import io.sluice.facade.FacadeMetrics;
import io.sluice.facade.FacadeServer;
import io.sluice.facade.FacadeTls;
import io.sluice.facade.GroupMember;
import io.sluice.facade.MetadataBackend;
import io.sluice.facade.ReplicaInfo;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Owns the facade of this node: starts its listener with the node, and again or not when an operator says so.
 * Accounts come from the configuration; with none configured, replicas log in with the syncer's account on the
 * source, so they keep the credentials they already have.
 */
public final class FacadeManager implements Managed {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FacadeManager.class);
    private final SluiceConfiguration.FacadeSettings settings;
    private final KafkaRuntime kafka;
    private final SyncerManager syncer;
    private final FacadeMetrics metrics;
    /** Built once, when the node starts; {@code null} without {@code facade.tls}. */
    private final FacadeTls tls;
    private FacadeServer server;
    private Supplier<List<GroupMember>> groupMembers = List::of;

    /**
     * @throws IllegalArgumentException when a {@code facade.tls} file cannot be used, naming the key and the
     *                                  reason: the node does not start
     */
    public FacadeManager(SluiceConfiguration.FacadeSettings settings, KafkaRuntime kafka, SyncerManager syncer,
                         MetricRegistry registry) {
        this.settings = settings;
        this.tls = loadTls(settings.tls);
        this.kafka = kafka;
        this.syncer = syncer;
        this.metrics = new FacadeMetrics(registry);
        registry.register(FacadeMetrics.PREFIX + "connections", (Gauge<Integer>) this::connections);
        registry.register(FacadeMetrics.PREFIX + "shared.readers", (Gauge<Integer>) this::sharedReaders);
    }

    @Override
    public synchronized void start() throws InterruptedException {
        if (server != null) {
            return;
        }
        String topic = kafka.topic();
        FacadeConfig config = new FacadeConfig(settings.bindHost, settings.port, serverId(),
                settings.serverUuid.isBlank() ? Identity.facadeUuid(topic) : settings.serverUuid,
                settings.serverVersion, topic, kafka.consumerConfig(), settings.maxConnections,
                settings.sendBufferBytes, 1L << 30).withSharedWindowBytes(settings.sharedWindowBytes)
                .withLimits(new FacadeConfig.Limits(java.time.Duration.ofSeconds(settings.idleTimeoutSeconds),
                        settings.failedLoginThreshold)).withTls(tls);
        SluiceConfiguration.MetadataBackendSettings backend = settings.metadataBackend;
        if (backend != null) {
            config = config.withMetadataBackend(new MetadataBackend(backend.host, backend.port, backend.user,
                    backend.password, backend.clientTls()));
        }
        FacadeServer s = new FacadeServer(config, credentials(), metrics);
        s.allowlist(io.sluice.model.net.IpAllowlist.parse(settings.ipAllowlist));
        s.groupMembers(() -> groupMembers.get());
        try {
            s.start();
        } catch (InterruptedException e) {
            s.close();
            throw e;
        } catch (Exception e) {
            // Netty rethrows the bind's IOException (a port in use) unchecked
            s.close();
            throw new IllegalStateException("cannot listen on " + settings.bindHost + ":" + settings.port + ": "
                    + e, e);
        }
        server = s;
    }

    private static FacadeTls loadTls(SluiceConfiguration.TlsSettings t) {
        if (!t.enabled()) {
            return null;
        }
        try {
            FacadeTls loaded = FacadeTls.load(Path.of(t.certificate), Path.of(t.privateKey),
                    t.clientCa == null || t.clientCa.isBlank() ? null : Path.of(t.clientCa), t.requireSecureTransport);
            LOG.info("facade TLS: certificate {}{}{}", t.certificate, loaded.clientCertificates()
                    ? ", client certificates required" : "", loaded.requireSecureTransport()
                    ? ", logins without TLS refused" : "");
            return loaded;
        } catch (FacadeTls.SettingException e) {
            throw new IllegalArgumentException("facade.tls." + e.setting() + ": " + e.getMessage());
        } catch (java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException("facade.tls: not a file name: " + e.getMessage());
        }
    }

    private long serverId() {
        return settings.serverId != 0 ? settings.serverId : Identity.serverId(kafka.topic());
    }

    /** Where {@code performance_schema.replication_group_members} comes from. */
    public void groupMembers(Supplier<List<GroupMember>> members) {
        this.groupMembers = members;
    }

    private Credentials credentials() {
        if (!settings.users.isEmpty()) {
            java.util.Map<String, Account> accounts = new java.util.HashMap<>();
            for (SluiceConfiguration.FacadeUser u : settings.users) {
                accounts.put(u.user, u.account());
            }
            return Credentials.of(accounts);
        }
        return syncer::sourcePassword;
    }

    /** Whether {@code user} with {@code password} may log in to the facade (for the kingbus alias's check). */
    public boolean accepts(String user, String password) {
        Optional<Account> known = credentials().account(user);
        if (known.isEmpty()) {
            return false;
        }
        Account a = known.get();
        if (a.sha2Crypt() != null) {
            return a.sha2Crypt().matches(password.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return a.sha2Hash() != null ? java.security.MessageDigest.isEqual(a.sha2Hash(),
                password.isEmpty() ? new byte[0] : io.sluice.model.protocol.Auth.sha2Hash(password))
                : java.security.MessageDigest.isEqual(a.nativeHash(),
                password.isEmpty() ? new byte[0] : io.sluice.model.protocol.Auth.nativeHash(password));
    }

    /** Closes the listener and every connection; the node goes on following the topic. */
    @Override
    public synchronized void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    public synchronized boolean running() {
        return server != null && server.isRunning();
    }

    public synchronized int port() {
        return server == null ? -1 : server.port();
    }

    private synchronized int connections() {
        return server == null ? 0 : server.registry().size();
    }

    private synchronized int sharedReaders() {
        return server == null ? 0 : server.sharedReaders();
    }

    public synchronized List<ReplicaInfo> replicas() {
        return server == null ? List.of() : server.registry().replicas();
    }

    /** Closes connection {@code connectionId}, as {@code KILL} does; false when there is none. */
    public synchronized boolean disconnect(long connectionId) {
        return server != null && server.registry().kill(connectionId);
    }

    /**
     * The lowest offset a connected replica still needs (the next record its dump reads), or empty when none
     * dumps. A dump still looking for its start point needs everything: it counts as the log start, 0.
     */
    public Optional<Long> oldestNeededOffset() {
        return replicas().stream().filter(ReplicaInfo::dumping).map(r -> Math.max(0, r.offset()))
                .min(Long::compare);
    }

    public synchronized FacadeView status() {
        boolean running = server != null && server.isRunning();
        return new FacadeView(running ? "RUNNING" : "STOPPED", settings.bindHost, running ? server.port()
                : settings.port, serverId(), settings.serverUuid.isBlank() ? Identity.facadeUuid(kafka.topic())
                : settings.serverUuid, settings.serverVersion, connections(), replicas().size(), sharedReaders(),
                settings.maxConnections);
    }
}
