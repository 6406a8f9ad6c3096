package io.sluice.app.security;

import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.core.server.ServerFactory;
import io.dropwizard.core.server.SimpleServerFactory;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.jetty.ConnectorFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.sluice.model.net.RefusalLog;
import jakarta.servlet.DispatcherType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/** Puts {@link ApiAuthFilter} in front of the REST port and the admin port, and says at start what it enforces. */
public final class ApiAuthSetup {
    private static final Logger LOG = LoggerFactory.getLogger(ApiAuthSetup.class);

    private ApiAuthSetup() {
    }

    /** Installs the filters; call after the IP allowlist's, so that an address outside it never gets this far. */
    public static void install(ApiAuthSettings settings, ServerFactory server, Environment environment) {
        ApiCredentials credentials = ApiCredentials.from(settings);
        boolean loopbackTrusted = !usesForwardedHeaders(server);
        describe(settings, loopbackTrusted);
        RefusalLog refusals = new RefusalLog();
        ApiAuthFilter rest = new ApiAuthFilter(credentials, settings, false, loopbackTrusted, environment.metrics(),
                refusals);
        ApiAuthFilter admin = new ApiAuthFilter(credentials, settings, true, loopbackTrusted, environment.metrics(),
                refusals);
        environment.servlets().addFilter("api-auth", rest)
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
        environment.admin().addFilter("api-auth", admin)
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
    }

    private static void describe(ApiAuthSettings settings, boolean loopbackTrusted) {
        if (!settings.hasCredentials()) {
            if (loopbackTrusted) {
                LOG.warn("api.auth has no users or tokens: the REST and admin ports accept calls that change "
                        + "something (PUT, POST, DELETE) from this host only (127.0.0.1, ::1), and reads from "
                        + "everyone; configure api.auth.users or api.auth.tokens (sluice hash-password --api, sluice "
                        + "new-token) to manage this node from elsewhere");
            } else {
                LOG.warn("api.auth has no users or tokens and a connector takes client addresses from proxy "
                        + "headers (useForwardedHeaders), so no caller can be told to be local: the REST and admin "
                        + "ports refuse every call that changes something; configure api.auth.users or "
                        + "api.auth.tokens");
            }
            return;
        }
        LOG.info("api.auth: {} user(s), {} token(s); changes need an admin credential, reads {}", settings.users.size(),
                settings.tokens.size(), settings.protectReads ? "need a credential" + (settings.openHealthChecks
                        ? " (except the admin port's /ping and /healthcheck)" : "") : "are open");
    }

    /** Whether a connector of {@code server} takes the client's address from X-Forwarded-For and the like. */
    static boolean usesForwardedHeaders(ServerFactory server) {
        List<ConnectorFactory> connectors = new ArrayList<>();
        if (server instanceof DefaultServerFactory d) {
            connectors.addAll(d.getApplicationConnectors());
            connectors.addAll(d.getAdminConnectors());
        } else if (server instanceof SimpleServerFactory s) {
            connectors.add(s.getConnector());
        }
        return connectors.stream().anyMatch(c -> c instanceof HttpConnectorFactory h && h.isUseForwardedHeaders());
    }
}
