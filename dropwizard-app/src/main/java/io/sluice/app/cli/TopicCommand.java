package io.sluice.app.cli;

import ch.qos.logback.classic.Level;
import io.dropwizard.core.setup.Bootstrap;
import io.sluice.app.SluiceConfiguration;
import io.sluice.app.core.KafkaRuntime;
import io.sluice.kafka.KafkaClientDefaults;
import io.sluice.kafka.TopicManager;
import io.sluice.kafka.TopicSpec;
import io.sluice.kafka.TopicVerification;
import io.sluice.kafka.UnsafeTopicException;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;

/**
 * {@code sluice topic verify|create [config.yml]}: the binlog topic judged as a node would judge it, before any node
 * runs, for operators who manage Kafka apart from Sluice: {@code create} makes the topic ahead of time, with an
 * account allowed to; {@code verify} shows every setting, the fix for each unsafe one, and never creates anything. The topic, its replication and the client properties come from the file's {@code kafka} section
 * (the spec is {@link KafkaRuntime#topicSpec}); {@code --bootstrap-servers} replaces its bootstrap servers.
 * Exit status: 0 safe (or created), 1 unsafe or missing, 2 Kafka unreachable or refusing, or the configuration
 * wrong, or no cluster to check (embedded mode).
 */
public final class TopicCommand extends SluiceCommand {
    private static final String ACTION = "action";
    private static final String BOOTSTRAP = "bootstrapServers";
    private static final String TIMEOUT = "timeoutSeconds";
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);

    private final PrintStream out;

    /** @param out where the report goes (standard output in the process) */
    public TopicCommand(PrintStream out) {
        super("topic", "Verifies the binlog topic against Sluice's rules, or creates it");
        this.out = out;
    }

    @Override
    public void configure(Subparser subparser) {
        subparser.addArgument(ACTION).choices("verify", "create")
                .help("verify: check the topic, never create it; create: create it unless it exists, then check it");
        addFileArgument(subparser);
        subparser.addArgument("--bootstrap-servers").dest(BOOTSTRAP).metavar("HOST:PORT[,HOST:PORT...]")
                .help("the Kafka cluster, instead of the file's kafka.bootstrapServers");
        subparser.addArgument("--timeout").dest(TIMEOUT).type(Integer.class).setDefault(30)
                .choices(Arguments.range(1, 3600)).metavar("SECONDS")
                .help("how long to wait for Kafka in all");
    }

    @Override
    public void run(Bootstrap<?> bootstrap, Namespace namespace) {
        SluiceConfiguration.KafkaSettings kafka = configuration(bootstrap, namespace.getString(FILE)).kafka;
        String servers = namespace.getString(BOOTSTRAP);
        if (servers == null || servers.isBlank()) {
            if (KafkaRuntime.embeddedMode(kafka)) {
                throw new CommandFailure(CommandFailure.CANNOT_CHECK, "the configuration has no "
                        + "kafka.bootstrapServers, so the node runs an embedded Kafka broker, which creates topic "
                        + kafka.topic + " itself when the node starts; there is no cluster to check before that. "
                        + "Pass --bootstrap-servers to check a topic on an existing cluster");
            }
            servers = kafka.bootstrapServers;
        }
        TopicSpec spec;
        Map<String, Object> adminConfig;
        try {
            spec = KafkaRuntime.topicSpec(kafka, false);
            adminConfig = KafkaClientDefaults.admin(servers, kafka.properties);
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(CommandFailure.CANNOT_CHECK, "the kafka section of the configuration is wrong: "
                    + e.getMessage(), e);
        }
        Duration timeout = Duration.ofSeconds(namespace.getInt(TIMEOUT));
        boolean create = namespace.getString(ACTION).equals("create");
        ch.qos.logback.classic.Logger kafkaLogs = (ch.qos.logback.classic.Logger) LoggerFactory
                .getLogger("org.apache.kafka");
        Level kafkaLevel = kafkaLogs.getLevel();
        // a client's warnings (a broker it cannot connect to, again and again) would bury the report
        kafkaLogs.setLevel(Level.ERROR);
        try {
            Admin admin = Admin.create(adminConfig);
            try {
                check(admin, spec, servers, create, timeout);
            } finally {
                admin.close(CLOSE_TIMEOUT);
            }
        } catch (IllegalStateException | KafkaException e) {
            throw new CommandFailure(CommandFailure.CANNOT_CHECK, "cannot check topic " + spec.name() + " at "
                    + servers + ": " + e.getMessage(), e);
        } finally {
            kafkaLogs.setLevel(kafkaLevel);
        }
    }

    private void check(Admin admin, TopicSpec spec, String servers, boolean create, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        TopicManager.Outcome outcome = null;
        if (create) {
            try {
                outcome = TopicManager.createOrVerify(admin, spec, timeout);
            } catch (UnsafeTopicException e) {
                // reported below setting by setting, by the verification that follows
            }
        }
        TopicVerification verification = TopicManager.verify(admin, spec,
                Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        if (!verification.exists()) {
            throw new CommandFailure(CommandFailure.CHECK_FAILED, "topic " + spec.name() + " does not exist at "
                    + servers + "; `sluice topic create` creates it");
        }
        out.println((outcome == TopicManager.Outcome.CREATED ? "Created topic " : "Topic ") + spec.name() + " at "
                + servers + ":");
        report(verification, spec);
        if (!verification.safe()) {
            int unsafe = verification.problems().size();
            throw new CommandFailure(CommandFailure.CHECK_FAILED, "topic " + spec.name() + " is unsafe for Sluice: "
                    + unsafe + (unsafe == 1 ? " setting" : " settings") + " to fix, see above");
        }
        out.println("Topic " + spec.name() + " is safe for Sluice.");
    }

    /** One line per setting: its value, and OK or what is wrong with the command that fixes it. */
    private void report(TopicVerification verification, TopicSpec spec) {
        int nameWidth = 0;
        int valueWidth = 0;
        for (TopicVerification.Check c : verification.checks()) {
            nameWidth = Math.max(nameWidth, c.setting().length());
            valueWidth = Math.max(valueWidth, c.value().length());
        }
        for (Map.Entry<String, String> e : verification.information().entrySet()) {
            nameWidth = Math.max(nameWidth, e.getKey().length());
            valueWidth = Math.max(valueWidth, e.getValue().length());
        }
        String line = "  %-" + nameWidth + "s  %-" + valueWidth + "s  %s%n";
        for (TopicVerification.Check c : verification.checks()) {
            String verdict = c.ok() ? "OK" : "UNSAFE: " + c.problem();
            if (c.ok() && c.setting().equals(TopicVerification.REPLICATION_FACTOR)
                    && !c.value().equals(Short.toString(spec.replicationFactor()))) {
                verdict += " (Sluice creates the topic with " + spec.replicationFactor() + "; this one is safe too)";
            }
            out.printf(line, c.setting(), c.value(), verdict);
        }
        for (Map.Entry<String, String> e : verification.information().entrySet()) {
            out.printf(line, e.getKey(), e.getValue(), "shown for information" + meaning(e.getKey(), e.getValue()));
        }
    }

    private static String meaning(String key, String value) {
        if (value.equals("-1")) {
            return " (no limit)";
        }
        if (!key.equals(TopicConfig.RETENTION_MS_CONFIG)) {
            return "";
        }
        try {
            long ms = Long.parseLong(value);
            Duration d = Duration.ofMillis(ms);
            if (ms > 0 && ms % Duration.ofDays(1).toMillis() == 0) {
                return " (" + d.toDays() + (d.toDays() == 1 ? " day)" : " days)");
            }
            if (ms > 0 && ms % Duration.ofHours(1).toMillis() == 0) {
                return " (" + d.toHours() + (d.toHours() == 1 ? " hour)" : " hours)");
            }
            return "";
        } catch (NumberFormatException e) {
            return "";
        }
    }
}
