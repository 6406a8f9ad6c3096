package io.sluice.decoder;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.RecordContext;
import org.apache.kafka.streams.processor.TopicNameExtractor;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Which topic a table's row changes go to, and creating it: in {@link OutputMode#ONE_TOPIC} always the one output
 * topic; in {@link OutputMode#TOPIC_PER_TABLE} {@code <prefix><database>.<table>}, created the first time a table
 * is seen (Kafka Streams does not create the topics it writes to). A character Kafka does not allow in a topic name
 * becomes {@code _}; the envelope still names the table exactly.
 */
final class TopicRouter implements TopicNameExtractor<String, String>, AutoCloseable {
    private final DecoderSettings settings;
    private final Admin admin;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    TopicRouter(DecoderSettings settings, Admin admin) {
        this.settings = settings;
        this.admin = admin;
    }

    /** The topic of a table ({@code database.table}). */
    String topic(String table) {
        if (settings.mode() == OutputMode.ONE_TOPIC) {
            return settings.outputTopic();
        }
        String name = settings.outputTopic() + table.replaceAll("[^a-zA-Z0-9._-]", "_");
        return name.length() <= 249 ? name : name.substring(0, 249);
    }

    @Override
    public String extract(String key, String value, RecordContext context) {
        Header table = context.headers().lastHeader(RowEventsProcessor.H_TABLE);
        return topic(new String(table.value(), StandardCharsets.UTF_8));
    }

    /** Makes sure the table's topic exists. */
    void ensure(String table) {
        String topic = topic(table);
        if (known.contains(topic)) {
            return;
        }
        NewTopic newTopic = new NewTopic(topic, settings.outputPartitions(), settings.replicationFactor())
                .configs(Map.of("min.insync.replicas", String.valueOf(settings.minInsyncReplicas()),
                        "max.message.bytes", String.valueOf(RowEventsDecoder.MAX_MESSAGE_BYTES)));
        try {
            admin.createTopics(List.of(newTopic)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new DecoderException("cannot create the decoder's topic " + topic + ": "
                        + e.getCause().getMessage(), e.getCause());
            }
        } catch (TimeoutException e) {
            throw new DecoderException("creating the decoder's topic " + topic + " took more than 30 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DecoderException("interrupted while creating the decoder's topic " + topic, e);
        }
        known.add(topic);
    }

    @Override
    public void close() {
        admin.close(java.time.Duration.ofSeconds(5));
    }
}
