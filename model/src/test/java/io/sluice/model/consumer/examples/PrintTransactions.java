package io.sluice.model.consumer.examples;

import io.sluice.model.consumer.BinlogEvent;
import io.sluice.model.consumer.BinlogTopicConsumer;
import io.sluice.model.consumer.ConsumerPosition;
import io.sluice.model.consumer.SourceTransaction;
import io.sluice.model.gtid.GtidSet;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Prints every transaction of a Sluice binlog topic (GTID, file:position, event types) and the control events
 * between them, then where to resume; stops once it has read to the end of the topic.
 * Arguments: bootstrap servers, topic, and optionally a GTID set to start after.
 */
public final class PrintTransactions {
    public static void main(String[] args) {
        Map<String, Object> kafka = Map.of("bootstrap.servers", args[0]);
        GtidSet after = args.length > 2 ? GtidSet.parse(args[2]) : null;
        print(kafka, args[1], after, System.out);
    }

    public static void print(Map<String, Object> kafka, String topic, GtidSet after, PrintStream out) {
        BinlogTopicConsumer.Options options = BinlogTopicConsumer.Options.defaults()
                .withControlListener(c -> out.println("-- " + c.event().typeName() + " " + c.file()));
        try (BinlogTopicConsumer consumer = new BinlogTopicConsumer(kafka, topic, options)) {
            if (after == null) {
                consumer.startAtBeginning();
            } else {
                consumer.startAfter(after);
            }
            do {
                for (SourceTransaction txn : consumer.poll(Duration.ofSeconds(1))) {
                    String types = txn.events().stream().map(BinlogEvent::typeName)
                            .collect(Collectors.joining(" "));
                    out.println(txn.gtid() + " " + txn.file() + ":" + txn.startPosition() + " " + types);
                }
            } while (!consumer.caughtUp());
            ConsumerPosition position = consumer.position();
            out.println("resume at offset " + position.offset() + " or after " + position.executed());
        }
    }
}
