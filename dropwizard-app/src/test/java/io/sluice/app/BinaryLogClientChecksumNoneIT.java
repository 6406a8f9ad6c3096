package io.sluice.app;

import com.github.shyiko.mysql.binlog.event.deserialization.ChecksumType;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every test of {@link BinaryLogClientIT} again, with a source that writes its binary log without checksums
 * ({@code binlog_checksum=NONE}): the syncer stores the events as they are, and the client is told by the
 * FORMAT_DESCRIPTION Sluice replays that there is no CRC32 to strip.
 */
class BinaryLogClientChecksumNoneIT extends BinaryLogClientIT {
    /** Hides {@link BinaryLogClientIT#start()}: JUnit runs this one instead. */
    @BeforeAll
    static void start() throws Exception {
        sluice = SluicePipeline.start("sluice.binlog.binlog-client-none-it", 33, "--binlog-checksum=NONE");
        sourceChecksum = ChecksumType.NONE;
        createSchema();
    }
}
