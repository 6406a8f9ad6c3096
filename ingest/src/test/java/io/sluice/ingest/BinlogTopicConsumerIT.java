package io.sluice.ingest;

import io.sluice.kafka.KafkaClientDefaults;
import io.sluice.kafka.TopicManager;
import io.sluice.kafka.TopicSpec;
import io.sluice.model.binlog.EventType;
import io.sluice.model.consumer.BinlogConsumerException;
import io.sluice.model.consumer.BinlogEvent;
import io.sluice.model.consumer.BinlogTopicConsumer;
import io.sluice.model.consumer.ControlEvent;
import io.sluice.model.consumer.PurgedGtidsException;
import io.sluice.model.consumer.SourceTransaction;
import io.sluice.model.consumer.UnknownTopicException;
import io.sluice.model.consumer.examples.PrintTransactions;
import io.sluice.model.gtid.Gtid;
import io.sluice.model.gtid.GtidSet;
import io.sluice.testkit.KafkaCluster;
import io.sluice.testkit.MysqlServer;
import io.sluice.testkit.TestPasswords;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.sluice.ingest.SyncerAssertions.awaitTopicHas;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link BinlogTopicConsumer} (the consumer library of {@code model}) reading a topic the real syncer wrote from a
 * real MySQL 8.0.31 source into a real Kafka broker: split transactions, DDL and rotations; byte-exact events
 * against the source's own binlog files; resuming from an offset and from a GTID set; a purged start point. The
 * last test deletes the beginning of the topic, so the tests run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BinlogTopicConsumerIT {
    private static final String TOPIC = "sluice.binlog.consumer-it";
    private static final int MAX_RECORD_BYTES = 16 * 1024;
    private static MysqlServer source;
    private static KafkaCluster kafka;
    /** Every transaction of the topic, read once from its beginning. */
    private static List<SourceTransaction> all;
    private static List<ControlEvent> controls;

    @BeforeAll
    static void start() throws InterruptedException {
        source = MysqlServer.start(31);
        String password = TestPasswords.fresh("repl");
        source.createUser("repl", password, "caching_sha2_password");
        kafka = KafkaCluster.start(1);
        try (Admin admin = kafka.admin()) {
            TopicManager.createOrVerify(admin, TopicSpec.embedded(TOPIC));
        }
        SyncerConfig config = new SyncerConfig(source.host(), source.port(), "repl", password, 1031, TOPIC,
                MAX_RECORD_BYTES, 256 * 1024, Duration.ofMillis(50), Duration.ofSeconds(2),
                KafkaClientDefaults.transactionalProducer(kafka.bootstrapServers(), "sluice-syncer-" + TOPIC,
                        TopicSpec.embedded(TOPIC), Map.of()),
                KafkaClientDefaults.consumer(kafka.bootstrapServers(), Map.of()));
        try (Syncer syncer = new Syncer(config, null)) {
            syncer.start();
            source.execute("CREATE DATABASE app", "CREATE TABLE app.t (id INT PRIMARY KEY, v VARCHAR(100), b LONGBLOB)");
            for (int i = 0; i < 60; i++) {
                source.execute("INSERT INTO app.t (id, v) VALUES (" + i + ", 'row " + i + "')");
                // a pause: the syncer commits what it has to Kafka, so the topic gets many checkpoints
                Thread.sleep(30);
                if (i % 20 == 10) {
                    // large transactions: split into parts of MAX_RECORD_BYTES
                    source.execute("INSERT INTO app.t (id, v, b) VALUES (" + (1000 + i) + ", 'big', REPEAT('b', "
                            + (100 * 1024 + i) + "))");
                    source.execute("UPDATE app.t SET v = REPEAT('u', 90) WHERE id < " + i);
                }
                if (i == 30) {
                    source.execute("ALTER TABLE app.t ADD COLUMN c INT", "FLUSH BINARY LOGS",
                            "CREATE TABLE app.u (id INT PRIMARY KEY)");
                }
            }
            source.execute("FLUSH BINARY LOGS", "INSERT INTO app.u VALUES (1)", "DROP TABLE app.u");
            awaitTopicHas(syncer, source.gtidExecuted(), Duration.ofSeconds(120));
        }
        controls = new ArrayList<>();
        all = readAll(BinlogTopicConsumer.Options.defaults().withControlListener(controls::add), null);
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
        if (source != null) {
            source.close();
        }
    }

    private static Map<String, Object> kafkaProperties() {
        return Map.of("bootstrap.servers", kafka.bootstrapServers());
    }

    /** Reads to the end of the topic after a start ({@code null}: at the beginning). */
    private static List<SourceTransaction> readAll(BinlogTopicConsumer.Options options, Object start) {
        try (BinlogTopicConsumer consumer = new BinlogTopicConsumer(kafkaProperties(), TOPIC, options)) {
            if (start instanceof Long offset) {
                consumer.startAtOffset(offset);
            } else if (start instanceof GtidSet gtids) {
                consumer.startAfter(gtids);
            } else {
                consumer.startAtBeginning();
            }
            return readToEnd(consumer);
        }
    }

    private static List<SourceTransaction> readToEnd(BinlogTopicConsumer consumer) {
        List<SourceTransaction> out = new ArrayList<>();
        do {
            out.addAll(consumer.poll(Duration.ofMillis(500)));
        } while (!consumer.caughtUp());
        return out;
    }

    private static List<Gtid> gtids(List<SourceTransaction> transactions) {
        return transactions.stream().map(SourceTransaction::gtid).toList();
    }

    private static GtidSet setOf(List<SourceTransaction> transactions) {
        GtidSet.Builder b = GtidSet.builder();
        transactions.forEach(t -> b.add(t.gtid()));
        return b.build();
    }

    @Test
    @Order(1)
    void transactionsAreTheSourcesInOrderOnceEachAndByteExact() {
        String executed = source.gtidExecuted();
        assertThat(setOf(all)).isEqualTo(GtidSet.parse(executed));
        assertThat(new HashSet<>(gtids(all))).as("each GTID once").hasSize(all.size());
        assertThat(gtids(all)).as("in the order of the source's binlog").isSorted();

        List<SourceBinlogFiles.FileTransaction> files = SourceBinlogFiles.read(source.dataDir());
        assertThat(files).extracting(SourceBinlogFiles.FileTransaction::gtid).containsExactlyElementsOf(gtids(all));
        for (int i = 0; i < all.size(); i++) {
            SourceTransaction txn = all.get(i);
            SourceBinlogFiles.FileTransaction expected = files.get(i);
            assertThat(txn.file()).as("file of %s", txn).isEqualTo(expected.file());
            assertThat(txn.startPosition()).as("start of %s", txn).isEqualTo(expected.start());
            assertThat(txn.endPosition()).as("end of %s", txn).isEqualTo(expected.start() + expected.bytes().length);
            ByteArrayOutputStream events = new ByteArrayOutputStream();
            txn.events().forEach(e -> events.writeBytes(e.bytes()));
            assertThat(events.toByteArray()).as("events of %s", txn).isEqualTo(expected.bytes());
            assertThat(txn.commitTime()).as("commit time of %s", txn)
                    .isBetween(java.time.Instant.now().minusSeconds(3600), java.time.Instant.now());
            assertThat(txn.sourceUuid()).isEqualTo(source.serverUuid());
        }
        assertThat(all).as("split transactions").anySatisfy(t -> assertThat(t.nextOffset() - t.offset())
                .isGreaterThan(5));
        assertThat(all).as("DDL").anySatisfy(t -> assertThat(t.events()).extracting(BinlogEvent::type)
                .containsExactly(EventType.GTID, EventType.QUERY));
        assertThat(all.stream().map(SourceTransaction::file).distinct().count()).as("files").isGreaterThanOrEqualTo(3);
        assertThat(controls).extracting(c -> c.event().type())
                .contains(EventType.FORMAT_DESCRIPTION, EventType.PREVIOUS_GTIDS, EventType.ROTATE);
        // many Kafka transactions, so that a start after a GTID set has checkpoints to search
        assertThat(TopicContent.read(kafka.bootstrapServers(), TOPIC).checkpoints).hasSizeGreaterThan(30);
    }

    @Test
    @Order(2)
    void resumesFromAnOffsetInTheMiddleWithExactlyTheRest() {
        for (int k : new int[] {all.size() / 3, all.size() / 2, all.size() - 1}) {
            SourceTransaction last = all.get(k);
            try (BinlogTopicConsumer consumer = new BinlogTopicConsumer(kafkaProperties(), TOPIC,
                    BinlogTopicConsumer.Options.defaults())) {
                consumer.startAtOffset(last.nextOffset());
                assertThat(consumer.position().executed()).as("executed at %s", last.nextOffset())
                        .isEqualTo(setOf(all.subList(0, k + 1)));
                List<SourceTransaction> rest = readToEnd(consumer);
                assertThat(gtids(rest)).isEqualTo(gtids(all.subList(k + 1, all.size())));
                assertThat(consumer.position().executed()).isEqualTo(GtidSet.parse(source.gtidExecuted()));
            }
        }
    }

    @Test
    @Order(3)
    void resumesAfterAGtidSetInTheMiddleWithExactlyTheRest() {
        int split = indexOfFirstSplit();
        for (int k : new int[] {0, split - 1, all.size() / 2, all.size() - 2}) {
            GtidSet executed = setOf(all.subList(0, k + 1));
            List<SourceTransaction> rest = readAll(BinlogTopicConsumer.Options.defaults(), executed);
            assertThat(gtids(rest)).as("after %s", executed).isEqualTo(gtids(all.subList(k + 1, all.size())));
            assertThat(rest.get(0).events()).isEqualTo(all.get(k + 1).events());
        }
        // a set with a hole: only the transaction it lacks
        Gtid hole = all.get(split).gtid();
        GtidSet withHole = GtidSet.parse(source.gtidExecuted()).subtract(GtidSet.of(hole));
        assertThat(gtids(readAll(BinlogTopicConsumer.Options.defaults(), withHole))).containsExactly(hole);
        // the whole set: nothing
        assertThat(readAll(BinlogTopicConsumer.Options.defaults(), GtidSet.parse(source.gtidExecuted()))).isEmpty();
    }

    private static int indexOfFirstSplit() {
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).nextOffset() - all.get(i).offset() > 1) {
                return i;
            }
        }
        throw new AssertionError("no split transaction in the topic");
    }

    @Test
    @Order(4)
    void theExampleProgramPrintsEveryTransaction() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            PrintTransactions.print(kafkaProperties(), TOPIC, null, out);
        }
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        List<String> expected = all.stream().map(t -> t.gtid() + " " + t.file() + ":" + t.startPosition() + " "
                + t.events().stream().map(BinlogEvent::typeName).collect(Collectors.joining(" "))).toList();
        assertThat(lines.stream().filter(l -> !l.startsWith("-- ") && !l.startsWith("resume ")).toList())
                .isEqualTo(expected);
        assertThat(lines).contains("-- Rotate " + all.get(0).file());
        assertThat(lines).anyMatch(l -> l.matches("[0-9a-f-]{36}:\\d+ binlog\\.\\d{6}:\\d+ Gtid Query Table_map "
                + "Write_rows( Write_rows)* Xid"));
        assertThat(lines.get(lines.size() - 1)).endsWith(" or after " + GtidSet.parse(source.gtidExecuted()));
    }

    @Test
    @Order(5)
    void unknownTopicsAndTopicsWithSeveralPartitionsAreRefused() throws Exception {
        assertThatThrownBy(() -> new BinlogTopicConsumer(kafkaProperties(), "no.such.topic",
                BinlogTopicConsumer.Options.defaults().withSearchTimeout(Duration.ofSeconds(10))))
                .isInstanceOf(UnknownTopicException.class).hasMessageContaining("no.such.topic");
        try (Admin admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic("two.partitions", 2, (short) 1))).all().get();
        }
        assertThatThrownBy(() -> new BinlogTopicConsumer(kafkaProperties(), "two.partitions",
                BinlogTopicConsumer.Options.defaults()))
                .isInstanceOf(BinlogConsumerException.class).hasMessageContaining("has 2 partitions");
    }

    @Test
    @Order(6)
    void aTransactionAboveTheLimitIsRefused() {
        assertThatThrownBy(() -> readAll(BinlogTopicConsumer.Options.defaults().withMaxTransactionBytes(64 * 1024),
                null)).isInstanceOf(io.sluice.model.consumer.TransactionTooLargeException.class)
                .hasMessageContaining("above the limit of 65536");
    }

    @Test
    @Order(10)
    void aGtidSetWhoseTransactionsWerePurgedFailsClearly() throws Exception {
        // cut the topic inside the first split transaction: after its part 0
        int split = indexOfFirstSplit();
        SourceTransaction cutInto = all.get(split);
        long cut = cutInto.offset() + 1;
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        try (Admin admin = kafka.admin()) {
            admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(cut))).all().get();
        }
        GtidSet purged = setOf(all.subList(0, split + 1));
        GtidSet requested = setOf(all.subList(0, split / 2));
        assertThatThrownBy(() -> readAll(BinlogTopicConsumer.Options.defaults(), requested))
                .isInstanceOfSatisfying(PurgedGtidsException.class, e -> {
                    assertThat(e.purged()).isEqualTo(purged);
                    assertThat(e.missing()).isEqualTo(purged.subtract(requested));
                    assertThat(e.getMessage()).contains("the missing transactions are '"
                            + purged.subtract(requested) + "'");
                });
        // the rest is still there: from the beginning (the cut transaction skipped) and after the purged set
        List<Gtid> rest = gtids(all.subList(split + 1, all.size()));
        try (BinlogTopicConsumer consumer = new BinlogTopicConsumer(kafkaProperties(), TOPIC,
                BinlogTopicConsumer.Options.defaults())) {
            consumer.startAtBeginning();
            assertThat(consumer.position().executed()).isEqualTo(purged);
            assertThat(gtids(readToEnd(consumer))).isEqualTo(rest);
        }
        assertThat(gtids(readAll(BinlogTopicConsumer.Options.defaults(), purged))).isEqualTo(rest);
        assertThatThrownBy(() -> readAll(BinlogTopicConsumer.Options.defaults(), cutInto.offset()))
                .isInstanceOf(BinlogConsumerException.class).hasMessageContaining("no longer in topic");
        // records deleted under a reader that has not read them yet: its poll fails, it does not skip them
        SourceTransaction next = all.get(split + 3);
        try (BinlogTopicConsumer consumer = new BinlogTopicConsumer(kafkaProperties(), TOPIC,
                BinlogTopicConsumer.Options.defaults())) {
            consumer.startAtOffset(next.offset());
            try (Admin admin = kafka.admin()) {
                admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(next.nextOffset()))).all().get();
            }
            assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(5)))
                    .isInstanceOf(BinlogConsumerException.class)
                    .hasMessageContaining("from offset " + next.offset() + " were deleted");
        }
    }
}
