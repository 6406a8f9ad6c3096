package io.sluice.facade;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the MySQL-protocol server.
 *
 * @param bindHost         address to listen on
 * @param port             port to listen on (0 = any free port)
 * @param serverId         the server_id Sluice reports as a source ({@code @@server_id})
 * @param serverUuid       the server_uuid Sluice reports ({@code @@server_uuid}); must differ from every replica's
 * @param serverVersion    the version string of the greeting and {@code VERSION()}
 * @param topic            the binlog topic
 * @param consumerConfig   Kafka consumer properties (bootstrap, security; read_committed is enforced)
 * @param maxReplicas      connections beyond this many are refused with ER_CON_COUNT_ERROR
 * @param sendBufferBytes  per-connection outbound buffer: above it the reader for that replica pauses
 * @param maxEventBytes    events declaring more are taken for corruption (MySQL's own limit is 1 GiB)
 * @param metadataBackend  where statements only a server with the schema can answer are forwarded; {@code null}
 *                         = nowhere (they get an ERR naming the setting)
 * @param sharedWindowBytes how much of the topic's recent records the dumps share ({@link SharedTail}); 0 = none,
 *                         every dump reads with a consumer of its own
 * @param limits           how long an idle client may stay, and how failed logins are slowed down
 * @param tls              the TLS the facade offers clients (built once, at start), or {@code null} for none: an
 *                         SSLRequest is then refused, as before TLS was built
 */
public record FacadeConfig(String bindHost, int port, long serverId, String serverUuid, String serverVersion,
                           String topic, Map<String, Object> consumerConfig, int maxReplicas, int sendBufferBytes,
                           long maxEventBytes, MetadataBackend metadataBackend, long sharedWindowBytes,
                           Limits limits, FacadeTls tls) {
    /**
     * Limits on clients.
     *
     * @param idleTimeout          a client that is not dumping and sends nothing for this long is disconnected with
     *                             MySQL 8.0's ERR 4031, like {@code wait_timeout} (8 hours by default)
     * @param failedLoginThreshold after this many failed logins in a row from one address, each further login from it
     *                             is answered one second later per failure past the threshold, like MySQL's
     *                             {@code connection_control} plugin; 0 = never
     */
    public record Limits(Duration idleTimeout, int failedLoginThreshold) {
        public static final Limits DEFAULT = new Limits(Duration.ofHours(8), 3);

        public Limits {
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            if (idleTimeout.isNegative() || idleTimeout.isZero() || failedLoginThreshold < 0) {
                throw new IllegalArgumentException("idleTimeout must be positive, failedLoginThreshold at least 0");
            }
        }
    }

    /** Settings without TLS. */
    public FacadeConfig(String bindHost, int port, long serverId, String serverUuid, String serverVersion,
                        String topic, Map<String, Object> consumerConfig, int maxReplicas, int sendBufferBytes,
                        long maxEventBytes, MetadataBackend metadataBackend, long sharedWindowBytes, Limits limits) {
        this(bindHost, port, serverId, serverUuid, serverVersion, topic, consumerConfig, maxReplicas,
                sendBufferBytes, maxEventBytes, metadataBackend, sharedWindowBytes, limits, null);
    }

    /** Settings with the default limits. */
    public FacadeConfig(String bindHost, int port, long serverId, String serverUuid, String serverVersion,
                        String topic, Map<String, Object> consumerConfig, int maxReplicas, int sendBufferBytes,
                        long maxEventBytes, MetadataBackend metadataBackend, long sharedWindowBytes) {
        this(bindHost, port, serverId, serverUuid, serverVersion, topic, consumerConfig, maxReplicas,
                sendBufferBytes, maxEventBytes, metadataBackend, sharedWindowBytes, Limits.DEFAULT);
    }
    /** 256 MiB: the records of a busy source's last seconds, which caught-up replicas and their reconnects read. */
    public static final long DEFAULT_SHARED_WINDOW_BYTES = 256L * 1024 * 1024;

    public FacadeConfig {
        Objects.requireNonNull(bindHost, "bindHost");
        Objects.requireNonNull(serverUuid, "serverUuid");
        Objects.requireNonNull(topic, "topic");
        consumerConfig = Map.copyOf(consumerConfig);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port);
        }
        if (sharedWindowBytes < 0) {
            throw new IllegalArgumentException("sharedWindowBytes " + sharedWindowBytes);
        }
        Objects.requireNonNull(limits, "limits");
    }

    /** Settings with the default shared window. */
    public FacadeConfig(String bindHost, int port, long serverId, String serverUuid, String serverVersion,
                        String topic, Map<String, Object> consumerConfig, int maxReplicas, int sendBufferBytes,
                        long maxEventBytes, MetadataBackend metadataBackend) {
        this(bindHost, port, serverId, serverUuid, serverVersion, topic, consumerConfig, maxReplicas,
                sendBufferBytes, maxEventBytes, metadataBackend, DEFAULT_SHARED_WINDOW_BYTES);
    }

    /** Settings without a metadata backend. */
    public FacadeConfig(String bindHost, int port, long serverId, String serverUuid, String serverVersion,
                        String topic, Map<String, Object> consumerConfig, int maxReplicas, int sendBufferBytes,
                        long maxEventBytes) {
        this(bindHost, port, serverId, serverUuid, serverVersion, topic, consumerConfig, maxReplicas,
                sendBufferBytes, maxEventBytes, null);
    }

    /** These settings with statements forwarded to {@code backend}. */
    public FacadeConfig withMetadataBackend(MetadataBackend backend) {
        return new FacadeConfig(bindHost, port, serverId, serverUuid, serverVersion, topic, consumerConfig,
                maxReplicas, sendBufferBytes, maxEventBytes, backend, sharedWindowBytes, limits, tls);
    }

    /** These settings with a shared window of {@code bytes} (0 = none). */
    public FacadeConfig withSharedWindowBytes(long bytes) {
        return new FacadeConfig(bindHost, port, serverId, serverUuid, serverVersion, topic, consumerConfig,
                maxReplicas, sendBufferBytes, maxEventBytes, metadataBackend, bytes, limits, tls);
    }

    /** A copy with other limits on clients. */
    public FacadeConfig withLimits(Limits newLimits) {
        return new FacadeConfig(bindHost, port, serverId, serverUuid, serverVersion, topic, consumerConfig,
                maxReplicas, sendBufferBytes, maxEventBytes, metadataBackend, sharedWindowBytes, newLimits, tls);
    }

    /** A copy that offers {@code newTls} ({@code null} = no TLS). */
    public FacadeConfig withTls(FacadeTls newTls) {
        return new FacadeConfig(bindHost, port, serverId, serverUuid, serverVersion, topic, consumerConfig,
                maxReplicas, sendBufferBytes, maxEventBytes, metadataBackend, sharedWindowBytes, limits, newTls);
    }

    /**
     * How long a dump that asks for more than the topic holds (a replica re-pointed from the source while Sluice is
     * moments behind it: GTIDs of the source the topic lacks, or a newer file or a later position) waits for the
     * syncer to write them before it is refused with MySQL's error.
     */
    static final Duration CATCH_UP_WAIT = Duration.ofSeconds(10);

    /** How long a dump waits for the replica's buffer to drain before it checks again whether it was stopped. */
    static final Duration WRITABILITY_WAIT = Duration.ofMillis(200);
}
