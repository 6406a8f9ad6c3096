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

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.function.Function;
import java.time.Duration;
import java.util.Set;

/**
 * {@code sluice status [--url URL] [--json] [config.yml]}: what a running node says of its cluster, its syncer, its
 * replicas and the binlog topic, from its REST API ({@code GET /api/v1/cluster}, {@code /api/v1/syncer},
 * {@code /api/v1/replicas}), for an operator at a shell or a script ({@code --json}). The node is {@code --url},
 * else the file's first application connector, else {@value #DEFAULT_URL}. Credentials for a node that protects
 * reads come from {@code --token-file}, {@code --user} with {@value #PASSWORD_VARIABLE}, or {@value #TOKEN_VARIABLE},
 * never from the command line itself. Answers are read as JSON trees, so a
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

    /** The environment variable holding a bearer token for the node. */
    public static final String TOKEN_VARIABLE = "SLUICE_API_TOKEN";
    /** The environment variable holding the password of {@code --user}. */
    public static final String PASSWORD_VARIABLE = "SLUICE_API_PASSWORD";
    private static final String TOKEN_FILE = "tokenFile";
    private static final String USER = "user";

    private final PrintStream out;
    private final Function<String, String> environment;

    /** @param out where the status goes (standard output in the process) */
    public StatusCommand(PrintStream out) {
        this(out, System::getenv);
    }

    /** @param environment the process's environment variables ({@link System#getenv(String)}) */
    public StatusCommand(PrintStream out, Function<String, String> environment) {
        super("status", "Prints the status of a running Sluice node, from its REST API");
        this.out = out;
        this.environment = environment;
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
        subparser.addArgument("--token-file").dest(TOKEN_FILE).metavar("FILE")
                .help("a file whose first line is a bearer token for the node (default: the " + TOKEN_VARIABLE
                        + " environment variable, if set)");
        subparser.addArgument("--user").dest(USER).metavar("USER")
                .help("an api.auth.users user, whose password is in the " + PASSWORD_VARIABLE
                        + " environment variable");
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
        String authorization = authorization(namespace);
        HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
        JsonNode cluster = get(http, mapper, base, "/api/v1/cluster", timeout, authorization);
        JsonNode syncer = get(http, mapper, base, "/api/v1/syncer", timeout, authorization);
        JsonNode replicas = get(http, mapper, base, "/api/v1/replicas", timeout, authorization);
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

    /**
     * The {@code Authorization} header's value, or {@code null}: {@code --token-file}, else {@code --user} with
     * {@value #PASSWORD_VARIABLE}, else {@value #TOKEN_VARIABLE}. Never from the command line itself, where the
     * shell's history and {@code ps} would keep it.
     */
    String authorization(Namespace namespace) {
        String tokenFile = namespace.getString(TOKEN_FILE);
        if (tokenFile != null) {
            return "Bearer " + token(Path.of(tokenFile));
        }
        String user = namespace.getString(USER);
        if (user != null) {
            String password = environment.apply(PASSWORD_VARIABLE);
            if (password == null || password.isEmpty()) {
                throw new CommandFailure(CommandFailure.CANNOT_CHECK, "--user needs its password in the "
                        + PASSWORD_VARIABLE + " environment variable");
            }
            if (user.contains(":")) {
                throw new CommandFailure(CommandFailure.CANNOT_CHECK, "--user must not contain a colon");
            }
            return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                    .getBytes(StandardCharsets.UTF_8));
        }
        String token = environment.apply(TOKEN_VARIABLE);
        return token == null || token.isBlank() ? null : "Bearer " + token.strip();
    }

    private static String token(Path file) {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line = reader.readLine();
            if (line == null || line.isBlank()) {
                throw new CommandFailure(CommandFailure.CANNOT_CHECK, "the token file " + file + " is empty");
            }
            return line.strip();
        } catch (IOException e) {
            throw new CommandFailure(CommandFailure.CANNOT_CHECK, "cannot read the token file " + file + ": "
                    + e.getMessage(), e);
        }
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

    private static JsonNode get(HttpClient http, ObjectMapper mapper, URI base, String path, Duration timeout,
                                String authorization) {
        URI uri = URI.create(base + path);
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json")
                .GET();
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        HttpRequest request = builder.build();
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
        if (response.statusCode() == 401) {
            throw new CommandFailure(CommandFailure.CANNOT_CHECK, "the node at " + base + " refused GET " + path
                    + " with HTTP 401 (" + (authorization == null ? "it needs credentials" : "the credentials are "
                    + "wrong") + "): give a token with " + TOKEN_VARIABLE + " or --token-file FILE, or --user USER "
                    + "with " + PASSWORD_VARIABLE + " (docs/cli.md)");
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
