package io.sluice.app.security;

import com.codahale.metrics.MetricRegistry;
import io.sluice.app.security.ApiAuthFilter.Decision;
import io.sluice.app.security.ApiAuthFilter.Verdict;
import io.sluice.model.net.RefusalLog;
import io.sluice.testkit.TestPasswords;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The filter's decisions, method by method, address by address, credential by credential. */
class ApiAuthFilterTest {
    private static final List<String> MUTATING = List.of("POST", "PUT", "PATCH", "DELETE", "PROPFIND", "TRACE");
    private static final List<String> READS = List.of("GET", "HEAD", "OPTIONS", "get");
    private static String adminPassword;
    private static String readPassword;
    private static String adminToken;
    private static String readToken;
    private static ApiAuthSettings configured;

    @BeforeAll
    static void credentials() {
        adminPassword = TestPasswords.fresh("filter-admin:with-colon");
        readPassword = TestPasswords.fresh("filter-read");
        adminToken = TestPasswords.fresh("filter-admin-token");
        readToken = TestPasswords.fresh("filter-read-token");
        configured = new ApiAuthSettings();
        configured.users.add(user("ops", "admin", adminPassword));
        configured.users.add(user("viewer", "read", readPassword));
        configured.tokens.add(token("ci", "admin", adminToken));
        configured.tokens.add(token("grafana", "read", readToken));
    }

    static ApiAuthSettings.User user(String name, String role, String password) {
        ApiAuthSettings.User u = new ApiAuthSettings.User();
        u.user = name;
        u.role = role;
        u.hash = PasswordHash.create(password.toCharArray(), PasswordHash.MIN_ITERATIONS).toString();
        return u;
    }

    static ApiAuthSettings.Token token(String name, String role, String token) {
        ApiAuthSettings.Token t = new ApiAuthSettings.Token();
        t.name = name;
        t.role = role;
        t.sha256 = ApiToken.sha256Hex(token);
        return t;
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static ApiAuthFilter filter(ApiAuthSettings settings, boolean adminPort, boolean loopbackTrusted) {
        return new ApiAuthFilter(ApiCredentials.from(settings), settings, adminPort, loopbackTrusted,
                new MetricRegistry(), new RefusalLog());
    }

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    private static ApiAuthSettings protectingReads(boolean openHealthChecks) {
        ApiAuthSettings s = new ApiAuthSettings();
        s.users = configured.users;
        s.tokens = configured.tokens;
        s.protectReads = true;
        s.openHealthChecks = openHealthChecks;
        return s;
    }

    @Test
    void withoutCredentialsChangesAreAcceptedFromLoopbackOnlyAndReadsFromEveryone() throws Exception {
        ApiAuthFilter f = filter(new ApiAuthSettings(), false, true);
        for (String local : List.of("127.0.0.1", "127.8.9.10", "::1", "[::1]", "::ffff:127.0.0.1")) {
            for (String method : MUTATING) {
                Decision d = f.decide(method, "/api/v1/syncer/stop", ip(local), null);
                assertThat(d.verdict()).as("%s from %s", method, local).isEqualTo(Verdict.PASS);
                assertThat(d.principal()).isEqualTo(ApiPrincipal.LOOPBACK);
            }
        }
        for (String remote : List.of("192.0.2.10", "10.0.0.1", "0.0.0.0", "fd00::1", "::ffff:192.0.2.10", "::")) {
            for (String method : MUTATING) {
                Decision d = f.decide(method, "/api/v1/syncer/stop", ip(remote), null);
                assertThat(d.verdict()).as("%s from %s", method, remote).isEqualTo(Verdict.NOT_LOCAL);
                assertThat(d.status()).isEqualTo(401);
                assertThat(d.message()).contains("127.0.0.1, ::1").contains("api.auth.users");
            }
            for (String method : READS) {
                assertThat(f.decide(method, "/api/v1/syncer", ip(remote), null).verdict()).isEqualTo(Verdict.PASS);
            }
        }
        // an address that is unknown is not local; credentials sent mean nothing when none are configured
        assertThat(f.decide("POST", "/tasks/gc", null, null).verdict()).isEqualTo(Verdict.NOT_LOCAL);
        assertThat(f.decide("POST", "/x", ip("192.0.2.10"), basic("ops", adminPassword)).verdict())
                .isEqualTo(Verdict.NOT_LOCAL);
    }

    @Test
    void withoutCredentialsAndWithForwardedHeadersNoCallerIsLocal() throws Exception {
        ApiAuthFilter f = filter(new ApiAuthSettings(), true, false);
        assertThat(f.decide("POST", "/tasks/gc", ip("127.0.0.1"), null).verdict()).isEqualTo(Verdict.NOT_LOCAL);
        assertThat(f.decide("GET", "/metrics", ip("127.0.0.1"), null).verdict()).isEqualTo(Verdict.PASS);
    }

    @Test
    void withCredentialsLoopbackIsNoExceptionAndChangesNeedAnAdmin() throws Exception {
        ApiAuthFilter f = filter(configured, false, true);
        for (String method : MUTATING) {
            assertThat(f.decide(method, "/api/v1/syncer", ip("127.0.0.1"), null).verdict()).as(method)
                    .isEqualTo(Verdict.MISSING);
            assertThat(f.decide(method, "/api/v1/syncer", ip("::1"), " ").verdict()).isEqualTo(Verdict.MISSING);
            Decision admin = f.decide(method, "/api/v1/syncer", ip("192.0.2.10"), basic("ops", adminPassword));
            assertThat(admin.verdict()).isEqualTo(Verdict.PASS);
            assertThat(admin.principal()).isEqualTo(new ApiPrincipal("ops", ApiRole.ADMIN, "Basic"));
            Decision token = f.decide(method, "/binlog/syncer/stop", ip("192.0.2.10"), "Bearer " + adminToken);
            assertThat(token.principal()).isEqualTo(new ApiPrincipal("ci", ApiRole.ADMIN, "Bearer"));

            Decision reader = f.decide(method, "/api/v1/syncer", ip("127.0.0.1"), basic("viewer", readPassword));
            assertThat(reader.verdict()).isEqualTo(Verdict.FORBIDDEN);
            assertThat(reader.status()).isEqualTo(403);
            assertThat(reader.message()).contains("'viewer' has the read role").doesNotContain(readPassword);
            assertThat(f.decide(method, "/tasks/gc", ip("::1"), "Bearer " + readToken).verdict())
                    .isEqualTo(Verdict.FORBIDDEN);
        }
        for (String method : READS) {
            assertThat(f.decide(method, "/api/v1/syncer", ip("192.0.2.10"), null).verdict()).isEqualTo(Verdict.PASS);
            assertThat(f.decide(method, "/api/v1/syncer", ip("192.0.2.10"), basic("viewer", readPassword))
                    .principal().name()).isEqualTo("viewer");
            assertThat(f.decide(method, "/api/v1/syncer", ip("192.0.2.10"), "Bearer " + readToken).principal()
                    .name()).isEqualTo("grafana");
        }
    }

    @Test
    void wrongAndMalformedCredentialsAre401EvenWhereNoneIsNeeded() throws Exception {
        ApiAuthFilter f = filter(configured, false, true);
        String wrong = TestPasswords.fresh("filter-wrong");
        String[][] cases = {
            {basic("ops", wrong), "WRONG_PASSWORD"},
            {basic("ops", adminPassword + "x"), "WRONG_PASSWORD"},
            {basic("ops", readPassword), "WRONG_PASSWORD"},
            {basic("nobody", adminPassword), "WRONG_PASSWORD"},
            {basic("", adminPassword), "WRONG_PASSWORD"},
            {"Bearer " + wrong, "UNKNOWN_TOKEN"},
            {"Bearer " + adminToken + "x", "UNKNOWN_TOKEN"},
            {"Basic " + adminPassword, "MALFORMED"},                 // not base64
            {"Basic " + Base64.getEncoder().encodeToString(wrong.getBytes(StandardCharsets.UTF_8)), "MALFORMED"},
            {"Basic " + Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, ':', 'a'}), "MALFORMED"},
            {"Basic", "MALFORMED"},
            {"Bearer", "MALFORMED"},
            {"Bearer " + adminToken + " " + adminToken, "MALFORMED"},
            {"Digest username=\"ops\"", "UNSUPPORTED_SCHEME"},
            {adminToken, "UNSUPPORTED_SCHEME"},
        };
        for (String[] c : cases) {
            for (String method : List.of("GET", "POST")) {
                Decision d = f.decide(method, "/api/v1/syncer", ip("127.0.0.1"), c[0]);
                assertThat(d.verdict()).as("%s %s", method, c[1]).isEqualTo(Verdict.INVALID);
                assertThat(d.failure().name()).isEqualTo(c[1]);
                assertThat(d.status()).isEqualTo(401);
                assertThat(d.message()).doesNotContain(wrong).doesNotContain(adminPassword).doesNotContain(adminToken);
            }
        }
    }

    @Test
    void schemesAreCaseInsensitiveAndAPasswordMayHoldAColon() throws Exception {
        ApiAuthFilter f = filter(configured, false, true);
        assertThat(adminPassword).contains(":");
        String header = basic("ops", adminPassword);
        assertThat(f.decide("POST", "/x", ip("192.0.2.1"), "bAsIc" + header.substring(5)).verdict())
                .isEqualTo(Verdict.PASS);
        assertThat(f.decide("POST", "/x", ip("192.0.2.1"), "BEARER  " + adminToken + " ").verdict())
                .isEqualTo(Verdict.PASS);
        // the second check of the same user and password is served from the cache: the same answer
        assertThat(f.decide("POST", "/x", ip("192.0.2.1"), header).principal().name()).isEqualTo("ops");
        assertThat(f.decide("POST", "/x", ip("192.0.2.1"), basic("ops", adminPassword + "y")).verdict())
                .isEqualTo(Verdict.INVALID);
    }

    @Test
    void protectedReadsNeedACredentialExceptTheAdminPortsHealthChecks() throws Exception {
        ApiAuthFilter rest = filter(protectingReads(true), false, true);
        ApiAuthFilter admin = filter(protectingReads(true), true, true);
        ApiAuthFilter closedAdmin = filter(protectingReads(false), true, true);
        for (String path : List.of("/api/v1/syncer", "/status/", "/members", "/metrics", "/threads", "/prometheus")) {
            assertThat(rest.decide("GET", path, ip("127.0.0.1"), null).verdict()).isEqualTo(Verdict.MISSING);
            assertThat(admin.decide("GET", path, ip("127.0.0.1"), null).verdict()).isEqualTo(Verdict.MISSING);
            assertThat(admin.decide("GET", path, ip("127.0.0.1"), "Bearer " + readToken).verdict())
                    .isEqualTo(Verdict.PASS);
        }
        for (String path : List.of("/ping", "/healthcheck")) {
            assertThat(admin.decide("GET", path, ip("192.0.2.1"), null).verdict()).isEqualTo(Verdict.PASS);
            assertThat(admin.decide("HEAD", path, ip("192.0.2.1"), null).verdict()).isEqualTo(Verdict.PASS);
            assertThat(admin.decide("POST", path, ip("192.0.2.1"), null).verdict()).isEqualTo(Verdict.MISSING);
            assertThat(rest.decide("GET", path, ip("192.0.2.1"), null).verdict()).isEqualTo(Verdict.MISSING);
            assertThat(closedAdmin.decide("GET", path, ip("192.0.2.1"), null).verdict()).isEqualTo(Verdict.MISSING);
        }
        assertThat(admin.decide("GET", "/healthcheck/", ip("192.0.2.1"), null).verdict()).isEqualTo(Verdict.MISSING);
        assertThat(admin.decide("GET", "/pingx", ip("192.0.2.1"), null).verdict()).isEqualTo(Verdict.MISSING);
    }

    @Test
    void aChangeFromAnotherSitesPageIsABrowserForgeryAndAScriptsIsNot() {
        // scripts (curl, the CLI, Prometheus) send neither header
        assertThat(ApiAuthFilter.fromAnotherSite(null, "127.0.0.1:8080", null)).isFalse();
        // the node's own pages
        assertThat(ApiAuthFilter.fromAnotherSite("http://127.0.0.1:8080", "127.0.0.1:8080", "same-origin")).isFalse();
        assertThat(ApiAuthFilter.fromAnotherSite("https://Sluice-1.example", "sluice-1.example:443", null)).isFalse();
        assertThat(ApiAuthFilter.fromAnotherSite("http://sluice-1.example:80", "sluice-1.example", null)).isFalse();
        // another site's page, a sandboxed page, a sibling site, or a port of this host that is not the node's
        assertThat(ApiAuthFilter.fromAnotherSite("https://evil.example", "127.0.0.1:8080", null)).isTrue();
        assertThat(ApiAuthFilter.fromAnotherSite("null", "127.0.0.1:8080", null)).isTrue();
        assertThat(ApiAuthFilter.fromAnotherSite(null, "127.0.0.1:8080", "cross-site")).isTrue();
        assertThat(ApiAuthFilter.fromAnotherSite(null, "sluice-1.example:8080", "same-site")).isTrue();
        assertThat(ApiAuthFilter.fromAnotherSite("http://127.0.0.1:3000", "127.0.0.1:8080", null)).isTrue();
    }
}
