package io.sluice.kafka.binlog;

import io.sluice.kafka.binlog.BinlogFileIndex.BinlogFile;
import io.sluice.kafka.binlog.BinlogFileIndex.Probe;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The file list by bisection, against a topic in memory with gaps where transaction markers sit. */
class BinlogFileIndexTest {
    /** Offsets → records; offsets absent from the map are transaction markers or aborted records. */
    private final TreeMap<Long, Probe> topic = new TreeMap<>();
    private int reads;

    private final BinlogFileIndex.Reader reader = new BinlogFileIndex.Reader() {
        @Override
        public Probe firstAtOrAfter(long offset, long end) {
            reads++;
            var e = topic.ceilingEntry(offset);
            return e == null || e.getKey() >= end ? null : e.getValue();
        }

        @Override
        public Probe lastBefore(long begin, long end) {
            reads++;
            var e = topic.lowerEntry(end);
            return e == null || e.getKey() < begin ? null : e.getValue();
        }
    };

    /** Appends {@code records} records of {@code file}, each 100 bytes further, with a marker after each. */
    private long append(long offset, String file, int records) {
        long o = offset;
        for (int i = 1; i <= records; i++) {
            topic.put(o, new Probe(o, file, 4 + 100L * i));
            o += 2;
        }
        return o;
    }

    @Test
    void emptyTopicHasNoFile() {
        assertThat(new BinlogFileIndex(reader).files(0, 0)).isEmpty();
        assertThat(new BinlogFileIndex(reader).files(5, 9)).isEmpty();
    }

    @Test
    void oneFile() {
        long end = append(0, "binlog.000001", 10);
        assertThat(new BinlogFileIndex(reader).files(0, end))
                .containsExactly(new BinlogFile("binlog.000001", 1004));
    }

    @Test
    void eachFileWithTheEndOfItsLastRecord() {
        long o = append(0, "binlog.000001", 1000);
        o = append(o, "binlog.000002", 1);
        o = append(o, "binlog.000003", 37);
        o = append(o, "binlog.000004", 5000);
        List<BinlogFile> files = new BinlogFileIndex(reader).files(0, o);
        assertThat(files).containsExactly(new BinlogFile("binlog.000001", 100_004),
                new BinlogFile("binlog.000002", 104), new BinlogFile("binlog.000003", 3704),
                new BinlogFile("binlog.000004", 500_004));
        assertThat(reads).as("reads for 4 files in 6038 records").isLessThan(100);
    }

    @Test
    void laterCallsDropPurgedFilesAndReadOnlyWhatIsNew() {
        BinlogFileIndex index = new BinlogFileIndex(reader);
        long o = append(0, "binlog.000001", 100);
        long second = o;
        o = append(o, "binlog.000002", 100);
        assertThat(index.files(0, o)).extracting(BinlogFile::name).containsExactly("binlog.000001", "binlog.000002");
        o = append(o, "binlog.000002", 10);
        o = append(o, "binlog.000003", 10);
        assertThat(index.files(second + 10, o)).containsExactly(new BinlogFile("binlog.000002", 1004),
                new BinlogFile("binlog.000003", 1004));
        reads = 0;
        assertThat(index.files(second + 10, o)).hasSize(2);
        assertThat(reads).as("nothing new: the last record only").isLessThanOrEqualTo(3);
    }

    @Test
    void randomTopicsAgreeWithAFullScan() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            topic.clear();
            BinlogFileIndex index = new BinlogFileIndex(reader);
            long o = random.nextInt(5);
            long begin = o;
            int files = 1 + random.nextInt(8);
            for (int f = 1; f <= files; f++) {
                o = append(o, String.format("binlog.%06d", f), 1 + random.nextInt(random.nextBoolean() ? 3 : 300));
                if (random.nextInt(3) == 0) {
                    assertThat(index.files(begin, o)).isEqualTo(scan(begin, o));
                }
            }
            long end = o + random.nextInt(3);
            assertThat(index.files(begin, end)).isEqualTo(scan(begin, end));
            long purgedTo = begin + random.nextInt((int) (o - begin));
            assertThat(index.files(purgedTo, end)).isEqualTo(scan(purgedTo, end));
        }
    }

    private List<BinlogFile> scan(long begin, long end) {
        List<BinlogFile> files = new ArrayList<>();
        for (Probe p : topic.subMap(begin, end).values()) {
            if (!files.isEmpty() && files.get(files.size() - 1).name().equals(p.file())) {
                files.set(files.size() - 1, new BinlogFile(p.file(), p.endPos()));
            } else {
                files.add(new BinlogFile(p.file(), p.endPos()));
            }
        }
        return files;
    }
}
