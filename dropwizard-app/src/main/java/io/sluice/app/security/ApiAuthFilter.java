package io.sluice.app.security;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.app.api.ErrorResponse;
import io.sluice.model.net.RefusalLog;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Locale;
import java.util.Set;

/**
 * Authentication and authorization of the REST port and the admin port ({@code api.auth}), as a servlet filter in
 * front of everything on a port: Jersey's resources, kingbus's routes, the status page, and on the admin port the
 * metrics, health checks, thread dump and Dropwizard's tasks. Installed after {@link IpAllowlistFilter}.
 *
 * <ul>
 *   <li>A mutating call (any method but GET, HEAD and OPTIONS: POST, PUT, PATCH, DELETE, …) needs an
 *       {@link ApiRole#ADMIN} credential; a {@link ApiRole#READ} one gets 403.</li>
 *   <li>A read needs any credential when {@code api.auth.protectReads} is on, except the admin port's {@code /ping}
 *       and {@code /healthcheck} while {@code api.auth.openHealthChecks} is on (load balancers).</li>
 *   <li>A credential that is sent is checked even where none is needed: a wrong one gets 401, so a script with a
 *       broken token fails on its first read rather than on its first write.</li>
 *   <li>With no credentials configured at all, reads are open and mutating calls are accepted from this host only
 *       (127.0.0.0/8, ::1): the quick start keeps working on the machine that runs it, and nobody else can stop,
 *       purge or repoint the node. When the connection's address may come from a proxy's headers
 *       ({@code useForwardedHeaders}), it proves nothing, and mutating calls are refused from everywhere.</li>
 *   <li>A mutating call that a browser sends from another site's page (its {@code Origin} names another host and
 *       port than the request's {@code Host}, or {@code Sec-Fetch-Site} says cross-site or same-site) gets 403
 *       whatever its credentials: a page must not use the browser's cached Basic credentials, or its being on this
 *       host, to stop or repoint the node (cross-site request forgery). Scripts send no {@code Origin}.</li>
 * </ul>
 *
 * Refusals answer 401 (with {@code WWW-Authenticate} for Basic and Bearer, realm {@value #REALM}) or 403, with a JSON
 * body like the API's other errors. They are counted ({@code sluice.api.auth.failures} for wrong credentials,
 * {@code .missing} for none where one is needed, {@code .forbidden} for a read-only credential on a mutating call)
 * and logged once a minute per address. Neither the log nor the answer ever holds what the client sent.
 */
public final class ApiAuthFilter implements Filter {
    /** The realm of the challenges. */
    public static final String REALM = "sluice";
    private static final Logger LOG = LoggerFactory.getLogger(ApiAuthFilter.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> READ_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    private static final Set<String> HEALTH_PATHS = Set.of("/ping", "/healthcheck");

    /** What the filter does with a request, and why. */
    public enum Verdict {
        /** Let it through. */
        PASS,
        /** 401: no credential where one is needed. */
        MISSING,
        /** 401: a mutating call from elsewhere than this host while no credentials are configured. */
        NOT_LOCAL,
        /** 401: the credential sent is wrong or malformed. */
        INVALID,
        /** 403: a read-only credential on a mutating call. */
        FORBIDDEN,
        /** 403: a mutating call from another site's page in a browser. */
        CROSS_SITE,
        /** 503: too many slow password checks at once. */
        BUSY
    }

    /**
     * A decision: the verdict, the principal when one was established, and the message for the client.
     *
     * @param failure the credential's failure, for {@link Verdict#INVALID} and {@link Verdict#BUSY}
     */
    public record Decision(Verdict verdict, ApiPrincipal principal, ApiCredentials.Failure failure) {
        static Decision pass(ApiPrincipal principal) {
            return new Decision(Verdict.PASS, principal, null);
        }

        static Decision refuse(Verdict verdict) {
            return new Decision(verdict, null, null);
        }

        int status() {
            return switch (verdict) {
                case PASS -> 200;
                case MISSING, NOT_LOCAL, INVALID -> 401;
                case FORBIDDEN, CROSS_SITE -> 403;
                case BUSY -> 503;
            };
        }

        String message() {
            return switch (verdict) {
                case PASS -> "";
                case MISSING -> "this call needs credentials: HTTP Basic (api.auth.users) or a bearer token "
                        + "(api.auth.tokens)";
                case NOT_LOCAL -> "no api.auth credentials are configured, so calls that change something are "
                        + "accepted from the node's own host only (127.0.0.1, ::1); configure api.auth.users or "
                        + "api.auth.tokens to call from elsewhere (docs/configuration.md)";
                case INVALID, BUSY -> failure.message();
                case FORBIDDEN -> "this call changes something and needs an admin credential; '"
                        + principal.name() + "' has the read role";
                case CROSS_SITE -> "a page of another site may not change this node (the request's Origin is not "
                        + "this node's address): call it from a script, or from the node's own pages";
            };
        }
    }

    private final ApiCredentials credentials;
    private final boolean protectReads;
    private final boolean openHealthChecks;
    private final boolean adminPort;
    private final boolean loopbackTrusted;
    private final com.codahale.metrics.Counter failures;
    private final com.codahale.metrics.Counter missing;
    private final com.codahale.metrics.Counter forbidden;
    private final RefusalLog refusals;

    /**
     * @param adminPort       whether this instance guards the admin port (where the health checks live)
     * @param loopbackTrusted whether a loopback connection is the local host's: false when the connectors take the
     *                        address from a proxy's headers
     * @param refusals        shared by the filters of both ports, so an address is logged once a minute in all
     */
    public ApiAuthFilter(ApiCredentials credentials, ApiAuthSettings settings, boolean adminPort,
                         boolean loopbackTrusted, MetricRegistry metrics, RefusalLog refusals) {
        this.credentials = credentials;
        this.protectReads = settings.protectReads;
        this.openHealthChecks = settings.openHealthChecks;
        this.adminPort = adminPort;
        this.loopbackTrusted = loopbackTrusted;
        this.failures = metrics.counter("sluice.api.auth.failures");
        this.missing = metrics.counter("sluice.api.auth.missing");
        this.forbidden = metrics.counter("sluice.api.auth.forbidden");
        this.refusals = refusals;
    }

    /**
     * The decision for a request, without side effects beyond the credential check.
     *
     * @param path          the path within the port's context, as the servlets see it (decoded, normalized)
     * @param remote        the connection's address; {@code null} when unknown (never local)
     * @param authorization the {@code Authorization} header, or {@code null}
     */
    public Decision decide(String method, String path, InetAddress remote, String authorization) {
        boolean mutating = !READ_METHODS.contains(method.toUpperCase(Locale.ROOT));
        if (!mutating && adminPort && openHealthChecks && HEALTH_PATHS.contains(path)) {
            return Decision.pass(null);
        }
        if (!credentials.any()) {
            if (!mutating) {
                return Decision.pass(null);
            }
            return loopbackTrusted && remote != null && remote.isLoopbackAddress()
                    ? Decision.pass(ApiPrincipal.LOOPBACK) : Decision.refuse(Verdict.NOT_LOCAL);
        }
        if (authorization == null || authorization.isBlank()) {
            return mutating || protectReads ? Decision.refuse(Verdict.MISSING) : Decision.pass(null);
        }
        ApiCredentials.Result result = credentials.authenticate(authorization);
        if (!result.authenticated()) {
            Verdict verdict = result.failure() == ApiCredentials.Failure.BUSY ? Verdict.BUSY : Verdict.INVALID;
            return new Decision(verdict, null, result.failure());
        }
        if (mutating && result.principal().role() != ApiRole.ADMIN) {
            return new Decision(Verdict.FORBIDDEN, result.principal(), null);
        }
        return Decision.pass(result.principal());
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        String path = http.getServletPath() + (http.getPathInfo() == null ? "" : http.getPathInfo());
        Decision decision = !READ_METHODS.contains(http.getMethod().toUpperCase(Locale.ROOT))
                && fromAnotherSite(http.getHeader("Origin"), http.getHeader("Host"), http.getHeader("Sec-Fetch-Site"))
                ? Decision.refuse(Verdict.CROSS_SITE)
                : decide(http.getMethod(), path, address(http.getRemoteAddr()), http.getHeader("Authorization"));
        if (decision.verdict() == Verdict.PASS) {
            chain.doFilter(decision.principal() == null ? request : new Authenticated(http, decision.principal()),
                    response);
            return;
        }
        refused(http, decision);
        if (http.getContentLengthLong() > 0 || http.getHeader("Transfer-Encoding") != null) {
            // the body is left unread, and Jetty closes such a connection once it has answered: saying so keeps a
            // client from sending its next request on a connection that is about to go away
            ((HttpServletResponse) response).setHeader("Connection", "close");
        }
        answer((HttpServletResponse) response, decision);
    }

    private void refused(HttpServletRequest http, Decision decision) {
        switch (decision.verdict()) {
            case INVALID -> failures.inc();
            case MISSING, NOT_LOCAL -> missing.inc();
            case FORBIDDEN, CROSS_SITE -> forbidden.inc();
            default -> {
            }
        }
        // a browser's first request always lacks credentials: that is no event worth a line
        if (decision.verdict() != Verdict.MISSING && refusals.shouldLog("auth:" + http.getRemoteAddr())) {
            String uri = http.getRequestURI();
            LOG.warn("API refused {} {} from {}: {} (logged once a minute per address)", http.getMethod(),
                    uri.length() > 200 ? uri.substring(0, 200) + "…" : uri, http.getRemoteAddr(),
                    decision.verdict() == Verdict.FORBIDDEN ? "'" + decision.principal().name() + "' has the read role"
                            : decision.message());
        }
    }

    private static void answer(HttpServletResponse response, Decision decision) throws IOException {
        int status = decision.status();
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(new ErrorResponse(status, decision.message(), null));
        } catch (JsonProcessingException e) {
            body = ("{\"code\":" + status + "}").getBytes(StandardCharsets.UTF_8);
        }
        response.setStatus(status);
        if (status == 401) {
            response.addHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
            response.addHeader("WWW-Authenticate", "Bearer realm=\"" + REALM + "\"");
        } else if (status == 503) {
            response.setHeader("Retry-After", "5");
        }
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /**
     * Whether a browser sent the request from another site's page: {@code Sec-Fetch-Site} says so, or {@code Origin}
     * (sent by browsers on every cross-origin call that changes something) names another host and port than
     * {@code Host}, or is {@code null} (a sandboxed page). A request without either header is a script's.
     */
    static boolean fromAnotherSite(String origin, String host, String fetchSite) {
        if ("cross-site".equalsIgnoreCase(fetchSite) || "same-site".equalsIgnoreCase(fetchSite)) {
            return true;
        }
        if (origin == null || origin.isBlank()) {
            return false;
        }
        int scheme = origin.indexOf("://");
        if (scheme < 0 || host == null) {
            return true;
        }
        String authority = origin.substring(scheme + 3);
        String defaultPort = origin.regionMatches(true, 0, "https", 0, 5) ? ":443" : ":80";
        String h = host.toLowerCase(Locale.ROOT);
        String a = authority.toLowerCase(Locale.ROOT);
        return !(a.equals(h) || a.equals(h + defaultPort) || h.equals(a + defaultPort));
    }

    private static InetAddress address(String literal) {
        try {
            // the connection's address is a literal: no lookup happens
            return literal == null ? null : InetAddress.getByName(literal);
        } catch (IOException e) {
            return null;
        }
    }

    /** The request with its principal, for the resources ({@code getUserPrincipal}, {@code getRemoteUser}). */
    private static final class Authenticated extends HttpServletRequestWrapper {
        private final ApiPrincipal principal;

        Authenticated(HttpServletRequest request, ApiPrincipal principal) {
            super(request);
            this.principal = principal;
        }

        @Override
        public Principal getUserPrincipal() {
            return principal;
        }

        @Override
        public String getRemoteUser() {
            return principal.name();
        }

        @Override
        public String getAuthType() {
            return "Basic".equals(principal.scheme()) ? HttpServletRequest.BASIC_AUTH : principal.scheme();
        }

        @Override
        public boolean isUserInRole(String role) {
            return principal.role().configName().equals(role);
        }
    }
}
