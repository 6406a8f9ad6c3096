package io.sluice.app;

import com.codahale.metrics.health.HealthCheck;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.sluice.app.core.FacadeManager;
import io.sluice.app.core.KafkaRuntime;
import io.sluice.app.core.SettingsStore;
import io.sluice.app.core.SyncerManager;
import io.sluice.app.resources.JsonErrorMapper;
import io.sluice.app.resources.ReplicasResource;
import io.sluice.app.resources.SyncerResource;

import java.nio.file.Path;

/** The Sluice process: wires Kafka, the syncer, the facade and the REST API. {@code run} only wires. */
public class SluiceApplication extends Application<SluiceConfiguration> {
    public static void main(String[] args) throws Exception {
        new SluiceApplication().run(args.length == 0 ? new String[] {"server"} : args);
    }

    @Override
    public String getName() {
        return "sluice";
    }

    @Override
    public void initialize(Bootstrap<SluiceConfiguration> bootstrap) {
        bootstrap.getObjectMapper().findAndRegisterModules();
        bootstrap.getObjectMapper().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    @Override
    public void run(SluiceConfiguration config, Environment environment) {
        KafkaRuntime kafka = new KafkaRuntime(config.kafka, Path.of(config.dataDir));
        SettingsStore store = new SettingsStore(kafka, environment.getObjectMapper());
        SyncerManager syncer = new SyncerManager(kafka, store, config.syncer);
        FacadeManager facade = new FacadeManager(config.facade, kafka, syncer);
        environment.lifecycle().manage(kafka);
        environment.lifecycle().manage(syncer);
        environment.lifecycle().manage(facade);

        environment.jersey().register(new JsonErrorMapper());
        environment.jersey().register(new SyncerResource(syncer));
        environment.jersey().register(new ReplicasResource(facade));

        environment.healthChecks().register("facade", new HealthCheck() {
            @Override
            protected Result check() {
                return facade.running() ? Result.healthy("listening on " + facade.port())
                        : Result.unhealthy("facade is not listening");
            }
        });
        environment.healthChecks().register("syncer", new HealthCheck() {
            @Override
            protected Result check() {
                String state = syncer.status().state();
                return "ERROR".equals(state) ? Result.unhealthy("syncer in ERROR: " + syncer.status().lastError())
                        : Result.healthy(state);
            }
        });
    }
}
