package io.sluice.decoder;

import io.sluice.model.binlog.EventType;
import io.sluice.model.binlog.FormatDescription;
import io.sluice.model.record.RecordKind;
import io.sluice.model.record.RecordMeta;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The decoder's one processor: reads the binlog topic's records in order, and forwards every row change of every
 * transaction as a JSON envelope.
 *
 * <p>A transaction split over several records is decoded when its part 0 arrives: the other parts are in the same
 * Kafka transaction, so they are committed too, and {@link SplitTransactionReader} reads them straight from the
 * topic. The later parts are then skipped when the stream reaches them. Exactly-once processing makes this safe
 * across a crash: the offset after part 0 is committed with the row changes of the whole transaction, or neither is.
 *
 * <p>The only state is the FORMAT_DESCRIPTION in effect (whether events carry a CRC32), kept in a store so a restart
 * in the middle of a file knows it before the next checkpoint.
 */
final class RowEventsProcessor implements Processor<byte[], byte[], String, String> {
    static final String STORE = "sluice-decoder-state";
    /** Header of every output record: {@code database.table}, for routing and for readers that filter. */
    static final String H_TABLE = "sluice.table";
    private static final String FDE_KEY = "fde";

    private final DecoderSettings settings;
    private final TopicRouter router;
    private final AtomicLong rowChanges;
    private ProcessorContext<String, String> context;
    private KeyValueStore<String, byte[]> store;
    private SchemaLookup lookup;
    private ColumnNaming naming;
    private SplitTransactionReader splits;
    private byte[] fde;
    private boolean checksum = true;

    RowEventsProcessor(DecoderSettings settings, TopicRouter router, AtomicLong rowChanges) {
        this.settings = settings;
        this.router = router;
        this.rowChanges = rowChanges;
    }

    @Override
    public void init(ProcessorContext<String, String> context) {
        this.context = context;
        this.store = context.getStateStore(STORE);
        this.lookup = settings.columnNames() == null ? null : new SchemaLookup(settings.columnNames());
        this.naming = new ColumnNaming(lookup);
        this.splits = new SplitTransactionReader(settings);
        byte[] known = store.get(FDE_KEY);
        if (known != null) {
            fde = known;
            checksum = FormatDescription.parse(known).hasCrc32();
        }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMeta meta = meta(record.headers());
        if (meta.fde() != null) {
            formatDescription(meta.fde());
        }
        byte[] value = record.value();
        if (value == null) {
            throw new DecoderException("the record at offset " + context.recordMetadata().map(m -> m.offset())
                    .orElse(-1L) + " of " + settings.binlogTopic() + " has no value: not a binlog topic record");
        }
        if (meta.kind() == RecordKind.CONTROL) {
            if (value.length > 4 && (value[4] & 0xff) == EventType.FORMAT_DESCRIPTION) {
                formatDescription(value);
            }
            return;
        }
        if (meta.part() > 0) {
            return;
        }
        String gtid = meta.gtid() == null ? null : meta.gtid().toString();
        TransactionDecoding txn = new TransactionDecoding(checksum, naming, gtid, meta.file(),
                encoded -> forward(encoded, record.timestamp()));
        txn.feed(value);
        if (meta.part() == 0 && !meta.lastPart()) {
            long offset = context.recordMetadata().orElseThrow().offset();
            splits.readRest(offset, meta, txn::feed);
        }
        txn.finish();
    }

    private void forward(Envelope.Encoded encoded, long timestamp) {
        Headers headers = new RecordHeaders();
        headers.add(H_TABLE, encoded.table().getBytes(StandardCharsets.UTF_8));
        router.ensure(encoded.table());
        context.forward(new Record<>(encoded.key(), encoded.value(), timestamp, headers));
        rowChanges.incrementAndGet();
    }

    private void formatDescription(byte[] event) {
        if (fde != null && Arrays.equals(fde, event)) {
            return;
        }
        checksum = FormatDescription.parse(event).hasCrc32();
        fde = event.clone();
        store.put(FDE_KEY, fde);
    }

    private static RecordMeta meta(Headers headers) {
        return RecordMeta.decode(key -> {
            Header h = headers.lastHeader(key);
            return h == null ? null : h.value();
        });
    }

    @Override
    public void close() {
        if (splits != null) {
            splits.close();
        }
        if (lookup != null) {
            lookup.close();
        }
    }
}
