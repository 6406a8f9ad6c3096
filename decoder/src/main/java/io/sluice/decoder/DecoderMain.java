package io.sluice.decoder;

import org.apache.kafka.streams.KafkaStreams;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/**
 * Runs the decoder on its own, from a properties file, without a Sluice node:
 * {@code java -cp sluice.jar io.sluice.decoder.DecoderMain decoder.properties} (or {@code bin/sluice decode
 * decoder.properties}). Stops on SIGTERM/SIGINT, committing what it processed; exits 1 when the decoder stops on a
 * record it cannot decode, with the reason on standard error.
 *
 * <p>Keys ({@code docs/row-events.md} documents each): {@code sluice.binlog.topic},
 * {@code sluice.decoder.application.id}, {@code sluice.decoder.mode} ({@code one-topic} or {@code topic-per-table}),
 * {@code sluice.decoder.output.topic}, {@code sluice.decoder.output.partitions},
 * {@code sluice.decoder.replication.factor}, {@code sluice.decoder.min.insync.replicas},
 * {@code sluice.decoder.state.dir}, {@code sluice.decoder.schema.host}, {@code sluice.decoder.schema.port},
 * {@code sluice.decoder.schema.user}, {@code sluice.decoder.schema.password.env} (the name of the environment
 * variable holding the password: the file never holds it). Every other key is a Kafka client property
 * ({@code bootstrap.servers}, SASL, TLS).
 */
public final class DecoderMain {
    static final String PREFIX = "sluice.";

    private DecoderMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv()::get, System.err));
    }

    /** Runs the decoder until SIGTERM; the process exit status (0 stopped, 1 failed, 2 bad arguments). */
    public static int run(String[] args, Function<String, String> env, PrintStream err) {
        if (args.length != 1) {
            err.println("usage: DecoderMain <decoder.properties>");
            return 2;
        }
        DecoderSettings settings;
        try {
            settings = settings(load(Path.of(args[0])), env);
        } catch (IOException | IllegalArgumentException e) {
            err.println("cannot start the decoder: " + e.getMessage());
            return 2;
        }
        RowEventsDecoder decoder = new RowEventsDecoder(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            decoder.close();
            stopped.countDown();
        }, "decoder-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            decoder.start();
        } catch (DecoderException e) {
            err.println("cannot start the decoder: " + e.getMessage());
            return 1;
        }
        while (stopped.getCount() > 0) {
            KafkaStreams.State state = decoder.state();
            if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING) {
                err.println("the decoder stopped: " + decoder.failure());
                return 1;
            }
            try {
                stopped.await(500, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
        }
        return 0;
    }

    static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        return p;
    }

    /** The settings a properties file describes; unknown {@code sluice.} keys are refused (a typo loses nothing). */
    static DecoderSettings settings(Properties p, Function<String, String> env) {
        Map<String, Object> client = new HashMap<>();
        Map<String, String> own = new HashMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith(PREFIX)) {
                own.put(key, p.getProperty(key).trim());
            } else {
                client.put(key, p.getProperty(key).trim());
            }
        }
        String topic = take(own, "sluice.binlog.topic", "sluice.binlog");
        String id = take(own, "sluice.decoder.application.id", DecoderSettings.DEFAULT_APPLICATION_ID);
        String modeText = take(own, "sluice.decoder.mode", "one-topic");
        OutputMode mode = switch (modeText.toLowerCase(Locale.ROOT)) {
            case "one-topic" -> OutputMode.ONE_TOPIC;
            case "topic-per-table" -> OutputMode.TOPIC_PER_TABLE;
            default -> throw new IllegalArgumentException(
                    "sluice.decoder.mode must be one-topic or topic-per-table, not " + modeText);
        };
        String output = take(own, "sluice.decoder.output.topic", mode == OutputMode.ONE_TOPIC
                ? DecoderSettings.DEFAULT_OUTPUT_TOPIC : DecoderSettings.DEFAULT_TOPIC_PREFIX);
        int partitions = number(own, "sluice.decoder.output.partitions", 1);
        int rf = number(own, "sluice.decoder.replication.factor", 3);
        int minIsr = number(own, "sluice.decoder.min.insync.replicas", 2);
        Path stateDir = Path.of(take(own, "sluice.decoder.state.dir",
                Path.of(System.getProperty("java.io.tmpdir"), "sluice-decoder").toString()));
        DecoderSettings.SchemaSource schema = null;
        String host = own.remove("sluice.decoder.schema.host");
        if (host != null) {
            int port = number(own, "sluice.decoder.schema.port", 3306);
            String user = take(own, "sluice.decoder.schema.user", null);
            if (user == null) {
                throw new IllegalArgumentException("sluice.decoder.schema.host needs sluice.decoder.schema.user");
            }
            String passwordEnv = own.remove("sluice.decoder.schema.password.env");
            String password = passwordEnv == null ? "" : env.apply(passwordEnv);
            if (passwordEnv != null && password == null) {
                throw new IllegalArgumentException("sluice.decoder.schema.password.env names " + passwordEnv
                        + ", which is not set in the environment");
            }
            schema = new DecoderSettings.SchemaSource(host, port, user, password);
        }
        if (!own.isEmpty()) {
            throw new IllegalArgumentException("unknown keys " + new java.util.TreeSet<>(own.keySet())
                    + " (see docs/row-events.md)");
        }
        if (rf > Short.MAX_VALUE) {
            throw new IllegalArgumentException("sluice.decoder.replication.factor is too large: " + rf);
        }
        return new DecoderSettings(client, topic, id, mode, output, partitions, (short) rf, minIsr, stateDir, schema);
    }

    private static String take(Map<String, String> own, String key, String fallback) {
        String value = own.remove(key);
        return value == null || value.isEmpty() ? fallback : value;
    }

    private static int number(Map<String, String> own, String key, int fallback) {
        String value = own.remove(key);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, not " + value);
        }
    }
}
