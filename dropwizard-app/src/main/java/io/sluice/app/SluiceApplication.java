package io.sluice.app;

import com.fasterxml.jackson.databind.SerializationFeature;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.sluice.app.cli.CommandFailure;
import io.sluice.app.cli.StatusCommand;
import io.sluice.app.cli.TopicCommand;
import io.sluice.app.core.DecoderManager;
import io.sluice.app.core.FacadeManager;
import io.sluice.app.core.KafkaRuntime;
import io.sluice.app.core.LagHistory;
import io.sluice.app.core.SettingsStore;
import io.sluice.app.security.NodeSecrets;
import io.sluice.app.core.SyncerManager;
import io.sluice.app.resources.JsonErrorMapper;
import io.sluice.app.resources.SecretsErrorMapper;
import io.sluice.app.resources.ReplicasResource;
import io.sluice.app.resources.StatusPageServlet;
import io.sluice.app.resources.SyncerHistoryResource;
import io.sluice.app.resources.SyncerResource;

import io.dropwizard.lifecycle.Managed;
import io.dropwizard.lifecycle.ServerLifecycleListener;
import io.sluice.app.api.MemberView;
import io.sluice.app.api.SyncerView;
import io.sluice.app.core.Identity;
import io.sluice.app.core.LeaderElector;
import io.sluice.app.core.Membership;
import io.sluice.app.resources.ClusterResource;
import io.sluice.app.core.BinlogCatalog;
import io.sluice.app.core.PrometheusMetrics;
import io.sluice.app.health.SluiceHealthChecks;
import io.sluice.app.resources.BinlogResource;
import io.sluice.app.resources.FacadeResource;
import io.sluice.app.resources.KingbusResource;
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import io.sluice.facade.GroupMember;
import io.sluice.kafka.binlog.TopicFollower;

import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.sluice.app.security.ApiAuthSetup;
import io.sluice.app.security.IpAllowlistFilter;
import io.sluice.model.net.IpAllowlist;
import io.sluice.model.net.RefusalLog;
import jakarta.servlet.DispatcherType;
import java.net.InetAddress;
import java.util.EnumSet;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** The Sluice process: wires Kafka, the syncer, the facade and the REST API. {@code run} only wires. */
public class SluiceApplication extends Application<SluiceConfiguration> {
    public static void main(String[] args) throws Exception {
        String[] command = args.length == 0 ? new String[] {"server"} : args;
        if (!"server".equals(command[0])) {
            // Dropwizard's appenders are asynchronous: a command that ends at once (check) could exit before its
            // last lines ("Configuration is OK") were written. The server is left alone: its own shutdown logs.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext c) {
                    c.stop();
                }
            }, "sluice-log-flush"));
        }
        new SluiceApplication().run(command);
    }

    @Override
    public String getName() {
        return "sluice";
    }

    @Override
    public void initialize(Bootstrap<SluiceConfiguration> bootstrap) {
        // ${VARIABLE} in the file is replaced by that environment variable, so that secrets (the key store's
        // password, the metadata backend's) can stay out of it; strict: an unset variable stops the start, naming it
        bootstrap.setConfigurationSourceProvider(new SubstitutingSourceProvider(
                bootstrap.getConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(true)));
        bootstrap.getObjectMapper().findAndRegisterModules();
        bootstrap.getObjectMapper().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        bootstrap.addCommand(new TopicCommand(System.out));
        bootstrap.addCommand(new StatusCommand(System.out));
        bootstrap.addCommand(new io.sluice.app.cli.HashPasswordCommand(System.out, () -> System.in));
        bootstrap.addCommand(new io.sluice.app.cli.SecretsKeyCommand(System.out));
        bootstrap.addCommand(new io.sluice.app.cli.NewTokenCommand(System.out));
        bootstrap.addCommand(new io.sluice.app.cli.DecodeCommand());
    }

    /** Exits with the failed command's own status (see {@link CommandFailure}), not 1 for every failure. */
    @Override
    protected void onFatalError(Throwable t) {
        System.exit(CommandFailure.exitStatus(t));
    }

    @Override
    public void run(SluiceConfiguration config, Environment environment) {
        KafkaRuntime kafka = new KafkaRuntime(config.kafka, Path.of(config.dataDir));
        SettingsStore store = new SettingsStore(kafka, environment.getObjectMapper(),
                NodeSecrets.box(config.secrets, config.kafka.bootstrapServers.isBlank(), Path.of(config.dataDir),
                        System.getenv()), System.getenv());
        SyncerManager syncer = new SyncerManager(kafka, store, config.syncer,
                new io.sluice.ingest.SyncerMetrics(environment.metrics()));
        FacadeManager facade = new FacadeManager(config.facade, kafka, syncer, environment.metrics());
        LagHistory lagHistory = new LagHistory(syncer::status, config.status.historySampleSeconds);
        String host = config.cluster.advertisedHost.isBlank() ? localHostName() : config.cluster.advertisedHost;
        String nodeId = config.cluster.nodeId.isBlank() ? host + "-" + config.facade.port : config.cluster.nodeId;
        AtomicInteger restPort = new AtomicInteger(-1);
        environment.lifecycle().addServerLifecycleListener(new ServerLifecycleListener() {
            @Override
            public void serverStarted(org.eclipse.jetty.server.Server server) {
                restPort.set(getLocalPort(server));
            }
        });
        AtomicReference<TopicFollower> follower = new AtomicReference<>();
        Membership membership = new Membership(kafka, environment.getObjectMapper(), nodeId, config.cluster.heartbeatMs,
                () -> self(nodeId, host, restPort.get(), config, follower.get(), syncer, facade));
        LeaderElector elector = new LeaderElector(kafka, nodeId, config.cluster.sessionTimeoutMs, syncer);
        syncer.leaderStatus(membership::leaderSyncer);
        facade.groupMembers(() -> membership.members().stream()
                .map(m -> new GroupMember(m.memberId(), m.facadeHost(), m.facadePort(), m.state(), m.role(),
                        m.version()))
                .toList());

        environment.lifecycle().manage(kafka);
        environment.lifecycle().manage(new Managed() {
            @Override
            public void start() {
                TopicFollower f = new TopicFollower(kafka.consumerConfig(), kafka.topic());
                f.start();
                follower.set(f);
            }

            @Override
            public void stop() {
                TopicFollower f = follower.getAndSet(null);
                if (f != null) {
                    f.close();
                }
            }
        });
        environment.lifecycle().manage(syncer);
        environment.lifecycle().manage(facade);
        environment.lifecycle().manage(membership);
        environment.lifecycle().manage(elector);
        environment.lifecycle().manage(lagHistory);
        DecoderManager decoder = new DecoderManager(config, kafka);
        environment.lifecycle().manage(decoder);

        BinlogCatalog catalog = new BinlogCatalog(kafka);
        environment.lifecycle().manage(new Managed() {
            @Override
            public void start() {
            }

            @Override
            public void stop() {
                catalog.close();
            }
        });

        environment.jersey().register(new JsonErrorMapper());
        environment.jersey().register(new SecretsErrorMapper());
        environment.jersey().register(new SyncerResource(syncer));
        environment.jersey().register(new FacadeResource(facade));
        environment.jersey().register(new SyncerHistoryResource(lagHistory));
        environment.jersey().register(new ReplicasResource(facade));
        environment.jersey().register(new BinlogResource(catalog, facade, membership));
        environment.jersey().register(new ClusterResource(membership, kafka));
        environment.jersey().register(new KingbusResource(syncer, facade, membership, catalog));
        environment.servlets().addServlet("status-page", new StatusPageServlet())
                .addMapping(StatusPageServlet.PATH + "/*");

        environment.healthChecks().register("kafka", new SluiceHealthChecks.Kafka(kafka));
        environment.healthChecks().register("topic", new SluiceHealthChecks.Topic(kafka));
        environment.healthChecks().register("syncer",
                new SluiceHealthChecks.Syncer(syncer, config.syncer.healthMaxLagSeconds));
        environment.healthChecks().register("facade", new SluiceHealthChecks.Facade(facade));
        environment.healthChecks().register("decoder", new SluiceHealthChecks.Decoder(decoder));

        registerLagGauges(environment.metrics(), syncer);
        environment.metrics().register("sluice.decoder.row.changes",
                (com.codahale.metrics.Gauge<Long>) decoder::rowChanges);
        IpAllowlistFilter apiAllowlist = new IpAllowlistFilter(IpAllowlist.parse(config.api.ipAllowlist),
                environment.metrics().counter("sluice.api.refused"), new RefusalLog());
        environment.servlets().addFilter("ip-allowlist", apiAllowlist)
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
        environment.admin().addFilter("ip-allowlist", apiAllowlist)
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
        ApiAuthSetup.install(config.api.auth, config.getServerFactory(), environment);
        environment.admin().addServlet("prometheus", new PrometheusMetricsServlet(
                PrometheusMetrics.registry(environment.metrics()))).addMapping("/prometheus");
    }

    /**
     * The syncer's lag as gauges, on the node that runs it (-1 elsewhere, and while unknown), so that scraping every
     * node counts it once.
     */
    private static void registerLagGauges(com.codahale.metrics.MetricRegistry metrics, SyncerManager syncer) {
        java.util.Map<String, java.util.function.Function<SyncerView, Long>> lags = java.util.Map.of(
                "seconds", SyncerView::lagSeconds, "bytes", SyncerView::lagBytes,
                "transactions", SyncerView::lagTransactions);
        lags.forEach((name, lag) -> metrics.register("sluice.syncer.lag." + name,
                (com.codahale.metrics.Gauge<Long>) () -> {
                    SyncerView local = syncer.localStatus();
                    Long value = local == null ? null : lag.apply(local);
                    return value == null ? -1L : value;
                }));
    }

    /** This node's record for the membership view. */
    private static MemberView self(String nodeId, String host, int restPort, SluiceConfiguration config,
                                   TopicFollower follower, SyncerManager syncer, FacadeManager facade) {
        SyncerView local = syncer.localStatus();
        boolean syncerError = local != null && "ERROR".equals(local.state());
        String state;
        if (follower == null) {
            state = "RECOVERING";
        } else if (syncerError || follower.error() != null) {
            state = "ERROR";
        } else {
            state = follower.caughtUp() ? "ONLINE" : "RECOVERING";
        }
        return new MemberView(nodeId, Identity.memberUuid(nodeId), "http://" + host + ":" + restPort, host,
                facade.port(), state, syncer.isLeader() ? "PRIMARY" : "SECONDARY", config.facade.serverVersion,
                follower == null ? -1 : follower.lag(), facade.replicas().size(), 0, local,
                facade.oldestNeededOffset().orElse(-1L));
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
