package io.sluice.app.core;

import io.dropwizard.lifecycle.Managed;
import io.sluice.app.SluiceConfiguration;
import io.sluice.facade.Credentials;
import io.sluice.facade.FacadeConfig;
import io.sluice.facade.FacadeServer;
import io.sluice.facade.MetadataBackend;
import io.sluice.facade.ReplicaInfo;

import java.util.List;

/**
 * Owns the facade of this node. Accounts come from the configuration; with none configured, replicas log in with
 * the syncer's account on the source, so they keep the credentials they already have.
 */
public final class FacadeManager implements Managed {
    private final SluiceConfiguration.FacadeSettings settings;
    private final KafkaRuntime kafka;
    private final SyncerManager syncer;
    private FacadeServer server;
    private java.util.function.Supplier<List<io.sluice.facade.GroupMember>> groupMembers = List::of;

    public FacadeManager(SluiceConfiguration.FacadeSettings settings, KafkaRuntime kafka, SyncerManager syncer) {
        this.settings = settings;
        this.kafka = kafka;
        this.syncer = syncer;
    }

    @Override
    public synchronized void start() throws InterruptedException {
        String topic = kafka.topic();
        FacadeConfig config = new FacadeConfig(settings.bindHost, settings.port,
                settings.serverId != 0 ? settings.serverId : Identity.serverId(topic),
                settings.serverUuid.isBlank() ? Identity.facadeUuid(topic) : settings.serverUuid,
                settings.serverVersion, topic, kafka.consumerConfig(), settings.maxConnections,
                settings.sendBufferBytes, 1L << 30).withSharedWindowBytes(settings.sharedWindowBytes);
        SluiceConfiguration.MetadataBackendSettings backend = settings.metadataBackend;
        if (backend != null) {
            config = config.withMetadataBackend(new MetadataBackend(backend.host, backend.port, backend.user,
                    backend.password));
        }
        server = new FacadeServer(config, credentials());
        server.groupMembers(() -> groupMembers.get());
        server.start();
    }

    /** Where {@code performance_schema.replication_group_members} comes from. */
    public void groupMembers(java.util.function.Supplier<List<io.sluice.facade.GroupMember>> members) {
        this.groupMembers = members;
    }

    private Credentials credentials() {
        if (!settings.users.isEmpty()) {
            return user -> settings.users.stream().filter(u -> u.user.equals(user)).map(u -> u.password).findFirst();
        }
        return user -> syncer.source().filter(s -> s.user().equals(user)).map(s -> s.password());
    }

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

    public synchronized List<ReplicaInfo> replicas() {
        return server == null ? List.of() : server.registry().replicas();
    }

}
