package io.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.shyiko.mysql.binlog.BinaryLogClient;
import io.dropwizard.testing.ConfigOverride;
import io.sluice.testkit.KafkaCluster;
import io.sluice.testkit.MysqlServer;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator's status page in a real browser: Sluice on three real Kafka brokers replicating a real MySQL 8.0.31
 * source, with a binlog client attached to its facade and the lag sampled every second. Headless Chromium loads
 * {@code /status/}; its DOM must show the member, the syncer, the lag line and the replica, and its screenshot must
 * show the lag line where the page says the plot is. The history endpoint behind the plot is checked on its own.
 */
class StatusPageIT {
    private static final String TOPIC = "sluice.binlog.status-page";
    private static final String NODE_ID = "status-node-1";
    private static final long REPLICA_SERVER_ID = 4242;
    /** The plot's stroke colour, {@code #1f6feb} in status.js. */
    private static final int[] LINE_RGB = {0x1f, 0x6f, 0xeb};
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static KafkaCluster kafka;
    private static MysqlServer source;
    private static TestApp app;
    private static BinaryLogClient replica;

    @BeforeAll
    static void start() throws Exception {
        kafka = KafkaCluster.start(3);
        source = MysqlServer.start(61);
        source.createUser("repl", "repl-pass", "caching_sha2_password");
        app = TestApp.start(kafka.bootstrapServers(), TOPIC,
                ConfigOverride.config("status.historySampleSeconds", "1"),
                ConfigOverride.config("cluster.nodeId", NODE_ID));
        HttpResponse<String> put = app.call("PUT", "/api/v1/syncer", "{\"source\": {\"host\": \"127.0.0.1\", "
                + "\"port\": " + source.port() + ", \"user\": \"repl\", \"password\": \"repl-pass\"}}");
        assertThat(put.statusCode()).as("PUT /api/v1/syncer: %s", put.body()).isEqualTo(200);
        source.execute("CREATE DATABASE page", "CREATE TABLE page.t (id INT PRIMARY KEY AUTO_INCREMENT, v INT)");
        for (int i = 0; i < 50; i++) {
            source.execute("INSERT INTO page.t (v) VALUES (" + i + ")");
        }

        replica = new BinaryLogClient("127.0.0.1", app.facadePort, "repl", "repl-pass");
        replica.setServerId(REPLICA_SERVER_ID);
        replica.setGtidSet("");
        replica.connect(Duration.ofSeconds(60).toMillis());
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode replicas = json("/api/v1/replicas");
            assertThat(replicas.findValuesAsText("serverId")).contains(Long.toString(REPLICA_SERVER_ID));
        });

        // several samples of a running syncer whose lag is known: at least two points for the line
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            JsonNode samples = json("/api/v1/syncer/history").get("samples");
            long known = 0;
            for (JsonNode s : samples) {
                if ("RUNNING".equals(s.get("state").asText()) && !s.get("lagSeconds").isNull()) {
                    known++;
                }
            }
            assertThat(known).as("RUNNING samples with a known lag in %s", samples).isGreaterThanOrEqualTo(5);
        });
    }

    @AfterAll
    static void stop() throws Exception {
        if (replica != null) {
            replica.disconnect();
        }
        SluicePipeline.closeQuietly(app, source, kafka);
    }

    private static JsonNode json(String path) throws Exception {
        HttpResponse<String> r = app.call("GET", path, null);
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + app.restPort() + path;
    }

    @Test
    void historyHoldsOneSamplePerIntervalOldestFirst() throws Exception {
        JsonNode history = json("/api/v1/syncer/history");
        assertThat(history.get("intervalSeconds").asInt()).isEqualTo(1);
        JsonNode samples = history.get("samples");
        assertThat(samples.size()).isGreaterThanOrEqualTo(5);
        Instant previous = Instant.EPOCH;
        for (JsonNode s : samples) {
            Instant at = Instant.parse(s.get("at").asText());
            assertThat(at).isAfter(previous);
            previous = at;
            assertThat(s.has("state") && s.has("lagSeconds") && s.has("lagBytes") && s.has("lagTransactions"))
                    .as("a sample has every field, null when unknown: %s", s).isTrue();
        }
        JsonNode last = samples.get(samples.size() - 1);
        assertThat(last.get("state").asText()).isEqualTo("RUNNING");
        assertThat(Duration.between(Instant.parse(last.get("at").asText()), Instant.now()))
                .isLessThan(Duration.ofSeconds(10));

        JsonNode lastMinute = json("/api/v1/syncer/history?minutes=1").get("samples");
        assertThat(lastMinute.size()).isPositive().isLessThanOrEqualTo(61);
        assertThat(Instant.parse(lastMinute.get(0).get("at").asText()))
                .isAfter(Instant.now().minus(Duration.ofSeconds(65)));
    }

    @Test
    void aWindowOutsideOneToSixtyMinutesIsABadRequestNamingTheParameter() throws Exception {
        for (String bad : new String[] {"0", "61", "-5", "ten"}) {
            HttpResponse<String> r = app.call("GET", "/api/v1/syncer/history?minutes=" + bad, null);
            assertThat(r.statusCode()).as("minutes=%s: %s", bad, r.body()).isEqualTo(400);
            JsonNode body = JSON.readTree(r.body());
            assertThat(body.get("code").asInt()).isEqualTo(400);
            assertThat(body.get("field").asText()).isEqualTo("minutes");
            assertThat(body.get("message").asText()).contains("1 to 60").contains(bad);
        }
    }

    @Test
    void thePageAndItsFilesAreServedAtStatus() throws Exception {
        HttpResponse<String> bare = HTTP.send(HttpRequest.newBuilder(URI.create(url("/status"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(bare.statusCode()).as("/status: %s", bare.headers()).isIn(301, 302, 303, 307, 308);
        assertThat(bare.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/status/"));
        for (String[] file : new String[][] {{"/status/", "text/html"}, {"/status/status.js", "javascript"},
            {"/status/status.css", "text/css"}}) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url(file[0]))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(file[0]).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).as(file[0])
                    .hasValueSatisfying(t -> assertThat(t).contains(file[1]));
            assertThat(r.body().replace("http://www.w3.org/2000/svg", "")).as("%s fetches nothing from elsewhere",
                    file[0]).doesNotContain("http://", "https://", "//cdn", "@import", "url(");
        }
    }

    @Test
    void aBrowserShowsTheMembersTheSyncerTheLagLineAndTheReplicas() throws Exception {
        HeadlessChromium chromium = HeadlessChromium.find();
        String dom = chromium.dumpDom(url("/status/"));

        String members = element(dom, "table", "members");
        assertThat(members).contains(NODE_ID).contains(">ONLINE<").contains(">PRIMARY<");
        String syncer = element(dom, "dl", "syncer-summary");
        assertThat(syncer).contains(">RUNNING<").contains("127.0.0.1:" + source.port())
                .doesNotContain("repl-pass");
        String line = tag(dom, "polyline", "lag-line");
        Matcher points = Pattern.compile("points=\"([^\"]*)\"").matcher(line);
        assertThat(points.find()).as("points of %s", line).isTrue();
        assertThat(points.group(1).trim().split("\\s+")).as("points of the lag line").hasSizeGreaterThanOrEqualTo(2);
        String replicas = element(dom, "table", "replica-table");
        assertThat(replicas).contains("<td>" + REPLICA_SERVER_ID + "</td>").contains("<td>repl</td>")
                .contains("<td>yes</td>");
        assertThat(dom).contains("1 connected to this node").doesNotContain("repl-pass");

        Matcher box = Pattern.compile("data-plot-box=\"(\\d+),(\\d+),(\\d+),(\\d+)\"").matcher(dom);
        assertThat(box.find()).as("the plot's place on the page").isTrue();
        int left = Integer.parseInt(box.group(1));
        int top = Integer.parseInt(box.group(2));
        int width = Integer.parseInt(box.group(3));
        int height = Integer.parseInt(box.group(4));
        assertThat(left + width).isLessThanOrEqualTo(HeadlessChromium.WIDTH);
        assertThat(top + height).as("the plot is above the fold").isLessThanOrEqualTo(HeadlessChromium.HEIGHT);

        Path png = Files.createDirectories(Path.of("target", "status-page")).resolve("status.png");
        chromium.screenshot(url("/status/"), png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).as("a PNG at %s", png).isNotNull();
        assertThat(image.getWidth()).isEqualTo(HeadlessChromium.WIDTH);
        assertThat(image.getHeight()).isEqualTo(HeadlessChromium.HEIGHT);
        assertThat(distinctColours(image)).as("distinct colours of %s (a blank page has 1)", png)
                .isGreaterThan(50);
        // the line's stroke and its end dot may stand out of the plot area by a few pixels
        int inPlot = lineColoured(image, left - 4, top - 4, width + 8, height + 8);
        int everywhere = lineColoured(image, 0, 0, image.getWidth(), image.getHeight());
        assertThat(inPlot).as("pixels of the lag line's colour inside the plot %d,%d %dx%d of %s", left, top,
                width, height, png).isGreaterThanOrEqualTo(30);
        assertThat(inPlot).as("the line's colour is the plot's alone").isEqualTo(everywhere);
    }

    /** The element {@code <tag id="id" …>…</tag>} of a serialised DOM (not nested in one of its own kind). */
    private static String element(String dom, String tag, String id) {
        String open = tag(dom, tag, id);
        int start = dom.indexOf(open);
        int end = dom.indexOf("</" + tag + ">", start);
        assertThat(end).as("end of <%s id=%s>", tag, id).isPositive();
        return dom.substring(start, end);
    }

    /** The opening tag of the element {@code <tag … id="id" …>}. */
    private static String tag(String dom, String tag, String id) {
        Matcher m = Pattern.compile("<" + tag + "\\b[^>]*\\bid=\"" + Pattern.quote(id) + "\"[^>]*>").matcher(dom);
        assertThat(m.find()).as("<%s id=\"%s\"> in the page's DOM:%n%s", tag, id, dom).isTrue();
        return m.group();
    }

    private static int distinctColours(BufferedImage image) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                colours.add(image.getRGB(x, y) & 0xffffff);
            }
        }
        return colours.size();
    }

    /** Pixels close to the line's colour; the distance allows for antialiased edges and colour management. */
    private static int lineColoured(BufferedImage image, int left, int top, int width, int height) {
        int n = 0;
        for (int y = Math.max(0, top); y < Math.min(image.getHeight(), top + height); y++) {
            for (int x = Math.max(0, left); x < Math.min(image.getWidth(), left + width); x++) {
                int rgb = image.getRGB(x, y);
                int dr = (rgb >> 16 & 0xff) - LINE_RGB[0];
                int dg = (rgb >> 8 & 0xff) - LINE_RGB[1];
                int db = (rgb & 0xff) - LINE_RGB[2];
                if (dr * dr + dg * dg + db * db <= 40 * 40) {
                    n++;
                }
            }
        }
        return n;
    }
}
