package io.sluice.app;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.validation.ValidationMethod;
import jakarta.validation.constraints.Pattern;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.dropwizard.core.Configuration;
import io.dropwizard.logging.common.DefaultLoggingFactory;
import io.sluice.facade.FacadeConfig;
import io.sluice.kafka.TopicSpec;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sluice's YAML configuration. Every key has a default, so Sluice starts with no file at all: embedded Kafka under
 * {@code ./data}, REST on 8080, admin on 8081, facade on 3307. See {@code docs/configuration.md}.
 */
public class SluiceConfiguration extends Configuration {
    /** Kafka's own classes log at WARN unless the configuration says otherwise: the broker is chatty at INFO. */
    public SluiceConfiguration() {
        if (getLoggingFactory() instanceof DefaultLoggingFactory logging) {
            Map<String, JsonNode> loggers = new LinkedHashMap<>();
            for (String name : List.of("org.apache.kafka", "kafka", "state.change.logger", "org.apache.zookeeper")) {
                loggers.put(name, TextNode.valueOf("WARN"));
            }
            logging.setLoggers(loggers);
        }
    }

    /** Where the embedded Kafka broker keeps its data. */
    @NotBlank
    @JsonProperty
    public String dataDir = "./data";

    @Valid
    @NotNull
    @JsonProperty
    public KafkaSettings kafka = new KafkaSettings();

    @Valid
    @NotNull
    @JsonProperty
    public FacadeSettings facade = new FacadeSettings();

    @Valid
    @NotNull
    @JsonProperty
    public SyncerSettings syncer = new SyncerSettings();

    @Valid
    @NotNull
    @JsonProperty
    public ClusterSettings cluster = new ClusterSettings();

    @Valid
    @NotNull
    @JsonProperty
    public DecoderSettings decoder = new DecoderSettings();

    /**
     * The row-change decoder ({@code docs/row-events.md}): a Kafka Streams application that turns the binlog topic
     * into JSON row changes. Every node where it is enabled runs it; with one partition to read, one node works and
     * the others stand by to take over.
     */
    public static class DecoderSettings {
        /** Whether this node runs the decoder. */
        @JsonProperty
        public boolean enabled = false;
        /** Kafka Streams' application.id: its consumer group, and the prefix of its internal topics. */
        @NotBlank
        @Pattern(regexp = "[a-zA-Z0-9._-]+", message = "must be 1 or more of [a-zA-Z0-9._-]")
        @JsonProperty
        public String applicationId = io.sluice.decoder.DecoderSettings.DEFAULT_APPLICATION_ID;
        /** ONE_TOPIC (the table in each record's key) or TOPIC_PER_TABLE. */
        @NotNull
        @JsonProperty
        public io.sluice.decoder.OutputMode mode = io.sluice.decoder.OutputMode.ONE_TOPIC;
        /** The output topic (ONE_TOPIC), or the prefix of every table's topic (TOPIC_PER_TABLE); empty = default. */
        @Pattern(regexp = "[a-zA-Z0-9._-]*", message = "must be made of [a-zA-Z0-9._-]")
        @JsonProperty
        public String outputTopic = "";
        /** Partitions of the topics the decoder creates. */
        @Min(1)
        @JsonProperty
        public int outputPartitions = 1;
        /**
         * When the binlog has no column names ({@code binlog_row_metadata} is not FULL), ask
         * {@code facade.metadataBackend} for them; false, or no backend, names them {@code @1}, {@code @2}, ….
         */
        @JsonProperty
        public boolean columnNamesFromMetadataBackend = true;

        /** The output topic, or its default for the mode. */
        @JsonIgnore
        public String outputTopicOrDefault() {
            if (!outputTopic.isBlank()) {
                return outputTopic;
            }
            return mode == io.sluice.decoder.OutputMode.ONE_TOPIC
                    ? io.sluice.decoder.DecoderSettings.DEFAULT_OUTPUT_TOPIC
                    : io.sluice.decoder.DecoderSettings.DEFAULT_TOPIC_PREFIX;
        }
    }

    /** How this node takes part in a cluster of Sluice nodes sharing one topic. */
    public static class ClusterSettings {
        /** This node's name in the cluster; empty = host name and facade port. */
        @JsonProperty
        public String nodeId = "";
        /** The host other nodes, operators and replicas reach this node at; empty = the local host name. */
        @JsonProperty
        public String advertisedHost = "";
        /**
         * How long a silent leader keeps its leadership (Kafka group session timeout): the pause before another
         * node resumes the syncer after a crash. Brokers refuse values below their group.min.session.timeout.ms
         * (6 s by default).
         */
        @Min(1000)
        @JsonProperty
        public int sessionTimeoutMs = 6000;
        /** How often a node publishes its state; a node silent for 3 periods shows as UNREACHABLE. */
        @Min(100)
        @JsonProperty
        public int heartbeatMs = 1000;
    }

    /** Kafka: an existing cluster, or the embedded single node. */
    public static class KafkaSettings {
        /** Bootstrap servers of an existing cluster; empty = run an embedded single-node broker (not HA). */
        @JsonProperty
        public String bootstrapServers = "";
        /** Port of the embedded broker's client listener. */
        @Min(0)
        @Max(65535)
        @JsonProperty
        public int embeddedPort = 9092;
        /** The binlog topic (one partition). */
        @NotBlank
        @JsonProperty
        public String topic = "sluice.binlog";
        /** Replication factor when Sluice creates the topic on an existing cluster. */
        @Min(1)
        @JsonProperty
        public int replicationFactor = 3;
        /** min.insync.replicas when Sluice creates the topic on an existing cluster. */
        @Min(1)
        @JsonProperty
        public int minInsyncReplicas = 2;
        /** max.message.bytes of the binlog topic Sluice creates, and its producer's max.request.size. */
        @Min(1024 * 1024)
        @JsonProperty
        public int maxMessageBytes = TopicSpec.DEFAULT_MAX_MESSAGE_BYTES;
        /** retention.ms of the binlog topic Sluice creates; null leaves the brokers' default. */
        @JsonProperty
        public Long retentionMs;
        /** retention.bytes of the binlog topic Sluice creates; null leaves the brokers' default. */
        @JsonProperty
        public Long retentionBytes;
        /** compression.type of the binlog topic Sluice creates. */
        @NotNull
        @JsonProperty
        public String compressionType = TopicSpec.DEFAULT_COMPRESSION_TYPE;

        @JsonIgnore
        @ValidationMethod(message = "kafka.compressionType must be one of " + TopicSpec.COMPRESSION_TYPES_TEXT)
        public boolean isCompressionTypeValid() {
            return compressionType == null || TopicSpec.COMPRESSION_TYPES.contains(compressionType);
        }

        @JsonIgnore
        @ValidationMethod(message = "kafka.retentionMs and kafka.retentionBytes must be -1 (no limit) or positive")
        public boolean isRetentionValid() {
            return (retentionMs == null || retentionMs == -1 || retentionMs > 0)
                    && (retentionBytes == null || retentionBytes == -1 || retentionBytes > 0);
        }
        /** Extra client properties passed to every Kafka client (SASL, TLS, …). */
        @NotNull
        @JsonProperty
        public Map<String, String> properties = new LinkedHashMap<>();
    }

    /** The MySQL-protocol server. */
    public static class FacadeSettings {
        @NotBlank
        @JsonProperty
        public String bindHost = "0.0.0.0";
        @Min(0)
        @Max(65535)
        @JsonProperty
        public int port = 3307;
        /** The server_id Sluice shows replicas; 0 = derived from the topic name. */
        @Min(0)
        @Max(4294967295L)
        @JsonProperty
        public long serverId = 0;
        /** The server_uuid Sluice shows replicas; empty = derived from the topic name (stable across restarts). */
        @JsonProperty
        public String serverUuid = "";
        @NotBlank
        @JsonProperty
        public String serverVersion = "8.0.31-sluice";
        /** Accounts replicas log in with; empty = the syncer's account on the source. */
        @Valid
        @NotNull
        @JsonProperty
        public List<FacadeUser> users = new ArrayList<>();
        @Min(1)
        @JsonProperty
        public int maxConnections = 1000;
        /** Per-replica outbound buffer; above it, that replica's reader pauses. */
        @Min(65536)
        @JsonProperty
        public int sendBufferBytes = 4 * 1024 * 1024;
        /**
         * The topic's recent records that replicas streaming the same stretch share (one Kafka reader, one copy in
         * memory); 0 = none, every replica has a reader of its own.
         */
        @Min(0)
        @JsonProperty
        public long sharedWindowBytes = FacadeConfig.DEFAULT_SHARED_WINDOW_BYTES;
        /**
         * CIDR ranges (IPv4, IPv6) that may connect to the facade; empty = every address. Others get MySQL's ERR
         * 1130 and are disconnected.
         */
        @NotNull
        @JsonProperty
        public List<String> ipAllowlist = new ArrayList<>();
        /** A client that is not dumping and stays silent this long is disconnected (MySQL's wait_timeout). */
        @Min(1)
        @JsonProperty
        public long idleTimeoutSeconds = 28800;
        /** Failed logins in a row from one address before its logins are slowed down; 0 = never. */
        @Min(0)
        @JsonProperty
        public int failedLoginThreshold = 3;

        @ValidationMethod(message = "facade.ipAllowlist holds an entry that is not an IPv4 or IPv6 address or "
                + "CIDR range (such as 10.0.0.0/8, 192.168.1.7 or fd00::/8)")
        @JsonIgnore
        public boolean isIpAllowlistValid() {
            return allowlistValid(ipAllowlist);
        }
        /**
         * A MySQL server with the schema (typically a replica of Sluice) that answers SHOW CREATE TABLE,
         * information_schema, snapshot reads and the like for CDC tools; absent = such statements get an ERR.
         */
        @Valid
        @JsonProperty
        public MetadataBackendSettings metadataBackend;
        /** TLS for clients of the facade; absent = none (an SSLRequest is refused). */
        @Valid
        @NotNull
        @JsonProperty
        public TlsSettings tls = new TlsSettings();
    }

    /**
     * The facade's TLS, as MySQL's {@code ssl_cert}, {@code ssl_key}, {@code ssl_ca} and
     * {@code require_secure_transport}. The files are read once, when the node starts.
     */
    public static class TlsSettings {
        /** PEM certificate chain, the server's own certificate first; empty = no TLS. */
        @JsonProperty
        public String certificate;
        /** PEM private key of the certificate: unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}). */
        @JsonProperty
        public String privateKey;
        /** PEM CA certificates; when set, every TLS client must present a certificate it signed. */
        @JsonProperty
        public String clientCa;
        /** Refuse logins without TLS with MySQL's ERR 3159, like require_secure_transport=ON. */
        @JsonProperty
        public boolean requireSecureTransport = false;

        /** Whether TLS is configured. */
        @JsonIgnore
        public boolean enabled() {
            return certificate != null && !certificate.isBlank();
        }

        @ValidationMethod(message = "facade.tls.requireSecureTransport needs facade.tls.certificate and "
                + "facade.tls.privateKey: without them no client could log in")
        @JsonIgnore
        public boolean isSecureTransportPossible() {
            return !requireSecureTransport || enabled();
        }

        @ValidationMethod(message = "facade.tls.certificate and facade.tls.privateKey go together: set both, or "
                + "neither (and then no facade.tls.clientCa)")
        @JsonIgnore
        public boolean isComplete() {
            boolean key = privateKey != null && !privateKey.isBlank();
            boolean ca = clientCa != null && !clientCa.isBlank();
            return enabled() == key && (!ca || enabled());
        }
    }

    /** Where the facade forwards statements only a server with the schema can answer. */
    public static class MetadataBackendSettings {
        @NotBlank
        @JsonProperty
        public String host;
        @Min(1)
        @Max(65535)
        @JsonProperty
        public int port = 3306;
        @NotBlank
        @JsonProperty
        public String user;
        @NotNull
        @JsonProperty
        public String password = "";
        /** TLS to the backend; absent = PREFERRED (MySQL's client default). */
        @Valid
        @JsonProperty
        public ClientTlsSettings tls;

        /** The TLS settings for the backend's connections. */
        public io.sluice.model.client.tls.ClientTls clientTls() {
            return tls == null ? io.sluice.model.client.tls.ClientTls.PREFERRED : tls.toClientTls();
        }

        @Override
        public String toString() {
            return "MetadataBackendSettings[" + user + "@" + host + ":" + port + ", "
                    + (tls == null ? "PREFERRED" : tls) + "]";
        }
    }

    /**
     * An account of the facade, by its hashes: what {@code sluice hash-password} prints. The file never holds a
     * password. The facade verifies logins on the plugins' fast paths, and an account given in MySQL's stored form
     * by full authentication until its hash is cached.
     */
    public static class FacadeUser {
        @NotBlank
        @JsonProperty
        public String user;
        /**
         * 64 hex digits: SHA256(SHA256(password)); or MySQL's own {@code authentication_string} in hex, as
         * {@code SELECT HEX(authentication_string)} prints it (140 digits, {@code 0x} optional).
         */
        @JsonProperty("caching_sha2_password")
        public String cachingSha2Password;
        /** {@code *} and 40 hex digits: SHA1(SHA1(password)), as MySQL stores it. */
        @JsonProperty("mysql_native_password")
        public String mysqlNativePassword;
        /** {@code replication} (dump, and what replicas ask) or {@code admin} (also KILL and every process). */
        @NotNull
        @Pattern(regexp = "replication|admin", message = "must be replication or admin")
        @JsonProperty
        public String role = "replication";
        /** Refused: a plain-text password does not belong in a file. */
        @JsonProperty
        public String password;

        @ValidationMethod(message = "a facade.users entry holds a plain-text password: replace it with the "
                + "caching_sha2_password and mysql_native_password lines that `java -jar sluice.jar hash-password` "
                + "prints")
        @JsonIgnore
        public boolean isWithoutPlainPassword() {
            return password == null;
        }

        @ValidationMethod(message = "a facade.users entry needs caching_sha2_password or mysql_native_password (or "
                + "both), as `java -jar sluice.jar hash-password` prints them, each in its exact form")
        @JsonIgnore
        public boolean isHashed() {
            try {
                account();
                return true;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }

        /** The account the facade checks logins against. */
        public io.sluice.facade.Account account() {
            return io.sluice.facade.Account.fromHashes(user, cachingSha2Password, mysqlNativePassword,
                    "admin".equals(role));
        }

        @Override
        public String toString() {
            return "FacadeUser[" + user + ", " + role + "]";
        }
    }

    /** Tuning of the syncer (its source is set through the REST API). */
    public static class SyncerSettings {
        /** Largest record value; larger transactions are split into parts. */
        @Min(1024)
        @JsonProperty
        public int maxRecordBytes = 1024 * 1024;
        /** Commit a Kafka transaction once it holds this many bytes… */
        @Min(1024)
        @JsonProperty
        public long groupCommitBytes = 8L * 1024 * 1024;
        /** …or once it has been open this long (it also commits whenever the source has nothing more buffered). */
        @Min(1)
        @JsonProperty
        public long groupCommitDelayMs = 50;
        /** Heartbeat period asked of the source; the connection is taken for dead after three silent periods. */
        @Min(1)
        @JsonProperty
        public long heartbeatSeconds = 5;
        /** The syncer's health check fails once it is this many seconds behind the source. */
        @Min(1)
        @JsonProperty
        public long healthMaxLagSeconds = 60;
    }

    /** The operator's status page at {@code /status/}. */
    public static class StatusSettings {
        /** How often the syncer's lag is sampled for the page's plot of the last hour. */
        @Min(1)
        @Max(600)
        @JsonProperty
        public int historySampleSeconds = 10;
    }

    @Valid
    @NotNull
    @JsonProperty
    public StatusSettings status = new StatusSettings();

    /** The REST API's and the admin port's settings. */
    public static class ApiSettings {
        /**
         * CIDR ranges (IPv4, IPv6) that may call the REST port and the admin port; empty = every address. Others get
         * 403.
         */
        @NotNull
        @JsonProperty
        public List<String> ipAllowlist = new ArrayList<>();

        /** Who may call: users and tokens by their hashes, with roles (io.sluice.app.security.ApiAuthFilter). */
        @Valid
        @NotNull
        @JsonProperty
        public io.sluice.app.security.ApiAuthSettings auth = new io.sluice.app.security.ApiAuthSettings();

        @ValidationMethod(message = "api.ipAllowlist holds an entry that is not an IPv4 or IPv6 address or CIDR "
                + "range (such as 10.0.0.0/8, 192.168.1.7 or fd00::/8)")
        @JsonIgnore
        public boolean isIpAllowlistValid() {
            return allowlistValid(ipAllowlist);
        }
    }

    @Valid
    @NotNull
    @JsonProperty
    public ApiSettings api = new ApiSettings();

    /**
     * The key that seals the secrets Sluice stores in Kafka (the syncer's source password). Every node of a cluster
     * needs the same key. At most one of {@code key} and {@code keyFile}; with neither, the environment variable
     * {@code SLUICE_SECRETS_KEY}; with none of these, an embedded node makes {@code <dataDir>/secrets.key}, and a
     * node on an existing Kafka cluster stores no password (a source then needs passwordFile or passwordEnv).
     */
    public static class SecretsSettings {
        /**
         * Base64 of 32 random bytes ({@code sluice secrets-key} prints one); better given as ${VARIABLE}. Empty is
         * the same as absent.
         */
        @JsonProperty
        public String key;
        /** A file holding the key (base64), readable by Sluice only. */
        @JsonProperty
        public String keyFile;

        @ValidationMethod(message = "secrets: give key or keyFile, not both")
        @JsonIgnore
        public boolean isOneSource() {
            return key == null || key.isBlank() || keyFile == null;
        }

        @ValidationMethod(message = "secrets.key must be base64 of 32 bytes, as `java -jar sluice.jar secrets-key` "
                + "prints it")
        @JsonIgnore
        public boolean isKeyValid() {
            if (key == null || key.isBlank()) {
                return true;
            }
            try {
                io.sluice.app.security.SecretBox.fromBase64(key);
                return true;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }

        /** Never shows the key. */
        @Override
        public String toString() {
            return "SecretsSettings[" + (key != null && !key.isBlank() ? "key" : keyFile != null ? "keyFile " + keyFile
                    : "none") + "]";
        }
    }

    @Valid
    @NotNull
    @JsonProperty
    public SecretsSettings secrets = new SecretsSettings();

    static boolean allowlistValid(List<String> entries) {
        try {
            io.sluice.model.net.IpAllowlist.parse(entries);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
