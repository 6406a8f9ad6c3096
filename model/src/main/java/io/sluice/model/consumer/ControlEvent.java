package io.sluice.model.consumer;

/**
 * An event outside any transaction, which the topic carries as a {@code control} record: {@code FORMAT_DESCRIPTION}
 * and {@code PREVIOUS_GTIDS} at the start of each source file, {@code ROTATE} at its end, {@code STOP},
 * {@code INCIDENT}. The consumer uses them itself (the FORMAT_DESCRIPTION tells whether events carry a CRC32) and
 * hands them to the {@link BinlogTopicConsumer.Options#controlListener() control listener}, if any.
 *
 * @param offset the topic offset of its record
 * @param file   the source binlog file it is in
 * @param event  the event, byte-exact
 */
public record ControlEvent(long offset, String file, BinlogEvent event) {
}
