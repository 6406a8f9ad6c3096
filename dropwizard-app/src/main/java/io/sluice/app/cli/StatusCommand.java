package io.sluice.app.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dropwizard.core.server.AbstractServerFactory;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.core.server.ServerFactory;
import io.dropwizard.core.server.SimpleServerFactory;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.jetty.ConnectorFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.jetty.HttpsConnectorFactory;
import io.sluice.app.SluiceConfiguration;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Set;

/**
 * {@code sluice status [--url URL] [--json] [config.yml]}: what a running node says of its cluster, its syncer, its
 * replicas and the binlog topic, from its REST API ({@code GET /api/v1/cluster}, {@code /api/v1/syncer},
 * {@code /api/v1/replicas}), for an operator at a shell or a script ({@code --json}). The node is {@code --url},
 * else the file's first application connector, else {@value #DEFAULT_URL}. Answers are read as JSON trees, so a
 * node that adds or lacks fields still prints. Exit status: 0 when the node answered, whatever its state; 2 when it
 * did not (or the URL cannot be told).
 */
public final class StatusCommand extends SluiceCommand {
    /** Where a node listens with Dropwizard's default connector. */
    public static final String DEFAULT_URL = "http://127.0.0.1:8080";

    private static final String URL = "url";
    private static final String JSON = "json";
    private static final String TIMEOUT = "timeoutSeconds";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Set<String> ANY_ADDRESS = Set.of("", "0.0.0.0", "::", "0:0:0:0:0:0:0:0");

    private final PrintStream out;

    /** @param out where the status goes (standard output in the process) */
    public StatusCommand(PrintStream out) {
        super("status", "Prints the status of a running Sluice node, from its REST API");
        this.out = out;
    }

    @Override
    public void configure(Subparser subparser) {
        addFileArgument(subparser);
        subparser.addArgument("--url").dest(URL).metavar("URL")
                .help("the node's REST address (default: from the file's first application connector, else "
                        + DEFAULT_URL + ")");
        subparser.addArgument("--json").dest(JSON).action(Arguments.storeTrue())
                .help("print one JSON object {cluster, syncer, replicas} with the node's answers as they are");
        subparser.addArgument("--timeout").dest(TIMEOUT).type(Integer.class).setDefault(30)
                .choices(Arguments.range(1, 3600)).metavar("SECONDS")
                .help("how long to wait for each answer");
    }

    @Override
    public void run(Bootstrap<?> bootstrap, Namespace namespace) throws IOException {
        String url = namespace.getString(URL);
        String file = namespace.getString(FILE);
        URI base;
        if (url != null) {
            base = parse(url);
        } else {
            base = file == null ? URI.create(DEFAULT_URL) : nodeUrl(configuration(bootstrap, file));
        }
        Duration timeout = Duration.ofSeconds(namespace.getInt(TIMEOUT));
        ObjectMapper mapper = bootstrap.getObjectMapper();
        HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
        JsonNode cluster = get(http, mapper, base, "/api/v1/cluster", timeout);
        JsonNode syncer = get(http, mapper, base, "/api/v1/syncer", timeout);
        JsonNode replicas = get(http, mapper, base, "/api/v1/replicas", timeout);
        if (namespace.getBoolean(JSON)) {
            ObjectNode all = mapper.createObjectNode();
            all.set("cluster", cluster);
            all.set("syncer", syncer);
            all.set("replicas", replicas);
            out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(all));
        } else {
            new StatusPrinter(out).print(base, cluster, syncer, replicas);
        }
        out.flush();
    }

    private static URI parse(String url) {
        String trimmed = url.strip();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        try {
            URI uri = URI.create(trimmed);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (IllegalArgumentException e) {
            // reported below like any other unusable URL
        }
        throw new CommandFailure(CommandFailure.CANNOT_CHECK, "--url must be a node's REST address such as "
                + DEFAULT_URL + ", not " + url);
    }

    /**
     * The REST address the configuration gives the node: its first application connector, on 127.0.0.1 unless the
     * connector binds one address, under the application context path and Jersey root path.
     */
    static URI nodeUrl(SluiceConfiguration config) {
        ServerFactory server = config.getServerFactory();
        ConnectorFactory connector = null;
        String contextPath = "/";
        if (server instanceof DefaultServerFactory d) {
            connector = d.getApplicationConnectors().isEmpty() ? null : d.getApplicationConnectors().get(0);
            contextPath = d.getApplicationContextPath();
        } else if (server instanceof SimpleServerFactory s) {
            connector = s.getConnector();
            contextPath = s.getApplicationContextPath();
        }
        if (!(connector instanceof HttpConnectorFactory http)) {
            throw new CommandFailure(CommandFailure.CANNOT_CHECK, "the configuration's server section has no HTTP "
                    + "application connector to tell the node's REST address from; pass --url");
        }
        if (http.getPort() == 0) {
            throw new CommandFailure(CommandFailure.CANNOT_CHECK, "the configuration's application connector has "
                    + "port 0 (any free port), so the node's REST address cannot be told from it; pass --url");
        }
        String host = http.getBindHost() == null || ANY_ADDRESS.contains(http.getBindHost().strip()) ? "127.0.0.1"
                : http.getBindHost().strip();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        String jerseyRoot = server instanceof AbstractServerFactory a ? a.getJerseyRootPath().orElse("/*") : "/*";
        return URI.create((http instanceof HttpsConnectorFactory ? "https" : "http") + "://" + host + ":"
                + http.getPort() + pathPrefix(contextPath) + pathPrefix(jerseyRoot));
    }

    /** {@code "/"} and {@code "/*"} to nothing, {@code "/api/*"} to {@code "/api"}. */
    private static String pathPrefix(String path) {
        String p = path == null ? "" : path.strip();
        if (p.endsWith("*")) {
            p = p.substring(0, p.length() - 1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.isEmpty() || p.startsWith("/") ? p : "/" + p;
    }

    private static JsonNode get(HttpClient http, ObjectMapper mapper, URI base, String path, Duration timeout) {
        URI uri = URI.create(base + path);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json")
                .GET().build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new CommandFailure(CommandFailure.CANNOT_CHECK, "the Sluice node at " + base + " did not answer "
                    + "GET " + path + " within " + timeout.toSeconds() + " s", e);
        } catch (IOException e) {
            throw new CommandFailure(CommandFailure.CANNOT_CHECK, "no Sluice node answers at " + base + " ("
                    + reason(e) + "): is it running, and is this its REST address? (--url, or the config file "
                    + "it runs with)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailure(CommandFailure.CANNOT_CHECK, "interrupted while asking " + uri, e);
        }
        if (response.statusCode() != 200) {
            String body = response.body().strip();
            throw new CommandFailure(CommandFailure.CANNOT_CHECK, "the node at " + base + " answered GET " + path
                    + " with HTTP " + response.statusCode() + (body.isEmpty() ? "" : ": "
                    + (body.length() > 300 ? body.substring(0, 300) + "…" : body)));
        }
        try {
            JsonNode json = mapper.readTree(response.body());
            if (json != null && json.isContainerNode()) {
                return json;
            }
        } catch (JsonProcessingException e) {
            // reported below like any other answer that is not a JSON object or array
        }
        throw new CommandFailure(CommandFailure.CANNOT_CHECK, "the answer to GET " + uri + " is not JSON: is "
                + base + " the REST address of a Sluice node?");
    }

    private static String reason(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException) {
                return "unknown host";
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                return t.getMessage();
            }
        }
        return e instanceof ConnectException ? "connection refused" : e.getClass().getSimpleName();
    }
}
