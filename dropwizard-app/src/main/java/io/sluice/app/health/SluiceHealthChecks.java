package io.sluice.app.health;

import com.codahale.metrics.health.HealthCheck;
import io.sluice.app.api.ClusterView;
import io.sluice.app.api.SyncerView;
import io.sluice.app.core.FacadeManager;
import io.sluice.app.core.KafkaRuntime;
import io.sluice.app.core.SyncerManager;
import io.sluice.app.core.TopicHealthProbe;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Node;

import java.util.Collection;
import java.util.concurrent.TimeUnit;

/**
 * The node's health checks, on the admin port's {@code /healthcheck}: each one answers whether a part of the node
 * does its job now, and says why in one line.
 */
public final class SluiceHealthChecks {
    private SluiceHealthChecks() {
    }

    /** The brokers answer. */
    public static final class Kafka extends HealthCheck {
        private final KafkaRuntime kafka;

        public Kafka(KafkaRuntime kafka) {
            this.kafka = kafka;
        }

        @Override
        protected Result check() throws Exception {
            Admin admin = kafka.admin();
            Collection<Node> nodes = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
            return Result.healthy(nodes.size() + " broker(s) at " + kafka.bootstrapServers());
        }
    }

    /** The topic's partition has a leader and at least {@code min.insync.replicas} in sync: writes succeed. */
    public static final class Topic extends HealthCheck {
        private final KafkaRuntime kafka;

        public Topic(KafkaRuntime kafka) {
            this.kafka = kafka;
        }

        @Override
        protected Result check() {
            ClusterView.TopicHealth t = TopicHealthProbe.read(kafka);
            if (t.error() != null) {
                return Result.unhealthy(t.error());
            }
            String facts = t.name() + ": leader " + t.partitionLeader() + ", in-sync replicas " + t.inSyncReplicas()
                    + " of " + t.replicas() + ", min.insync.replicas " + t.minInsyncReplicas();
            return t.writable() ? Result.healthy(facts) : Result.unhealthy(facts + ": writes are refused");
        }
    }

    /**
     * On the node that runs the syncer: it streams and its lag is under the threshold. Elsewhere healthy, saying
     * where it runs; a syncer an operator stopped is healthy too (it is where it was asked to be).
     */
    public static final class Syncer extends HealthCheck {
        private final SyncerManager syncer;
        private final long maxLagSeconds;

        public Syncer(SyncerManager syncer, long maxLagSeconds) {
            this.syncer = syncer;
            this.maxLagSeconds = maxLagSeconds;
        }

        @Override
        protected Result check() {
            SyncerView local = syncer.localStatus();
            if (local == null) {
                SyncerView s = syncer.status();
                if ("ERROR".equals(s.state())) {
                    return Result.unhealthy("syncer in ERROR: " + (s.lastError() == null ? "" : s.lastError().message()));
                }
                return Result.healthy("not run by this node (" + s.state() + ")");
            }
            return switch (local.state()) {
                case "RUNNING" -> {
                    Long lag = local.lagSeconds();
                    if (lag != null && lag > maxLagSeconds) {
                        yield Result.unhealthy("syncer is " + lag + " s behind the source (threshold "
                                + maxLagSeconds + " s)");
                    }
                    yield Result.healthy("RUNNING, " + (lag == null ? "lag not measured yet" : lag + " s behind"));
                }
                case "STOPPED" -> Result.healthy("STOPPED");
                default -> Result.unhealthy(local.state() + (local.lastError() == null ? ""
                        : ": " + local.lastError().message()));
            };
        }
    }

    /** The MySQL listener accepts connections. */
    public static final class Facade extends HealthCheck {
        private final FacadeManager facade;

        public Facade(FacadeManager facade) {
            this.facade = facade;
        }

        @Override
        protected Result check() {
            return facade.running() ? Result.healthy("listening on " + facade.port())
                    : Result.unhealthy("the facade is not listening");
        }
    }

    /** The row-change decoder: healthy when disabled or running, unhealthy with the reason when it stopped. */
    public static final class Decoder extends HealthCheck {
        private final io.sluice.app.core.DecoderManager decoder;

        public Decoder(io.sluice.app.core.DecoderManager decoder) {
            this.decoder = decoder;
        }

        @Override
        protected Result check() {
            if (!decoder.enabled()) {
                return Result.healthy("disabled");
            }
            String failure = decoder.failure();
            if (failure != null) {
                return Result.unhealthy("the decoder stopped: " + failure);
            }
            org.apache.kafka.streams.KafkaStreams.State state = decoder.state();
            if (state == null || state == org.apache.kafka.streams.KafkaStreams.State.ERROR
                    || state == org.apache.kafka.streams.KafkaStreams.State.NOT_RUNNING
                    || state == org.apache.kafka.streams.KafkaStreams.State.PENDING_ERROR) {
                return Result.unhealthy("the decoder is " + (state == null ? "not started" : state));
            }
            return Result.healthy(state.toString());
        }
    }
}
