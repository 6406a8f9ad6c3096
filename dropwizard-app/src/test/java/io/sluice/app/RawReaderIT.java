package io.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What {@code mysqlbinlog --read-from-remote-server} does, done by hand over a socket: log in, ask for no checksum
 * ({@code SET @master_binlog_checksum='NONE', @source_binlog_checksum='NONE'}), send {@code COM_BINLOG_DUMP_GTID}
 * with the non-blocking flag and an empty GTID set. The facade must answer as {@code sql/rpl_binlog_sender.cc}
 * does: a fake ROTATE without a checksum, the FORMAT_DESCRIPTION, every transaction's events exactly as the
 * source wrote them (so with the source's own, valid CRC32), then an EOF packet instead of waiting.
 */
class RawReaderIT {
    private static final int ROTATE = 4;
    private static final int FORMAT_DESCRIPTION = 15;
    private static final int XID = 16;
    private static final int WRITE_ROWS = 30;
    private static final int UPDATE_ROWS = 31;
    private static final int GTID = 33;
    private static final int PREVIOUS_GTIDS = 35;
    private static final int HEADER = 19;
    private static SluicePipeline sluice;

    @BeforeAll
    static void start() throws Exception {
        sluice = SluicePipeline.start("sluice.binlog.raw-reader-it", 41);
        sluice.source.execute("CREATE DATABASE shop", "CREATE TABLE shop.item (id INT PRIMARY KEY, name TEXT)");
        for (int i = 0; i < 20; i++) {
            sluice.source.execute("INSERT INTO shop.item VALUES (" + i + ", 'item " + i + "')");
        }
        sluice.source.execute("UPDATE shop.item SET name = CONCAT(name, '!') WHERE id % 2 = 0");
        sluice.awaitSyncerCaughtUp();
    }

    @AfterAll
    static void stop() {
        SluicePipeline.closeQuietly(sluice);
    }

    @Test
    void nonBlockingDumpWithoutChecksumGetsEveryEventThenEof() throws Exception {
        String lastGtid = sluice.lastSourceGtid();
        long transactions = Long.parseLong(lastGtid.substring(lastGtid.indexOf(':') + 1));
        List<byte[]> events = dump("SET @master_binlog_checksum='NONE', @source_binlog_checksum='NONE'", 3001);

        byte[] rotate = events.get(0);
        assertThat(type(rotate)).isEqualTo(ROTATE);
        assertThat(u32(rotate, 0)).as("timestamp of the fake ROTATE").isZero();
        assertThat(u16(rotate, 17) & 0x0020).as("LOG_EVENT_ARTIFICIAL_F").isEqualTo(0x0020);
        String file = new String(rotate, HEADER + 8, rotate.length - HEADER - 8, StandardCharsets.US_ASCII);
        assertThat(file).as("the fake ROTATE carries no CRC after the file name").matches("[\\w.\\-]+\\.\\d{6}");
        assertThat(u32(rotate, 9)).as("event size").isEqualTo(rotate.length);

        byte[] fde = events.get(1);
        assertThat(type(fde)).isEqualTo(FORMAT_DESCRIPTION);
        assertThat(fde[fde.length - 5]).as("checksum algorithm of the source's binlog: CRC32").isEqualTo((byte) 1);
        assertThat(u16(fde, 17) & 0x0001).as("LOG_EVENT_BINLOG_IN_USE_F is cleared").isZero();

        Set<String> gtids = new LinkedHashSet<>();
        int writeRows = 0;
        int updateRows = 0;
        int xids = 0;
        for (byte[] event : events.subList(1, events.size())) {
            assertThat(u32(event, 9)).as("event size of a %d event", type(event)).isEqualTo(event.length);
            assertThat(validCrc(event)).as("CRC32 of a %d event", type(event)).isTrue();
            switch (type(event)) {
                case GTID -> gtids.add(gtid(event));
                case WRITE_ROWS -> writeRows++;
                case UPDATE_ROWS -> updateRows++;
                case XID -> xids++;
                default -> { }
            }
        }
        assertThat(events.stream().filter(e -> type(e) == PREVIOUS_GTIDS)).hasSize(1);
        List<String> expected = new ArrayList<>();
        for (long n = 1; n <= transactions; n++) {
            expected.add(sluice.source.serverUuid() + ":" + n);
        }
        assertThat(gtids).containsExactlyElementsOf(expected);
        assertThat(writeRows).isEqualTo(20);
        assertThat(updateRows).isEqualTo(1);
        assertThat(xids).isEqualTo(21);
    }

    @Test
    void withCrc32AgreedTheFakeRotateCarriesACrcToo() throws Exception {
        List<byte[]> events = dump("SET @master_binlog_checksum = @@global.binlog_checksum,"
                + " @source_binlog_checksum = @@global.binlog_checksum", 3002);
        byte[] rotate = events.get(0);
        assertThat(type(rotate)).isEqualTo(ROTATE);
        assertThat(validCrc(rotate)).as("CRC32 of the fake ROTATE").isTrue();
        String file = new String(rotate, HEADER + 8, rotate.length - HEADER - 8 - 4, StandardCharsets.US_ASCII);
        assertThat(file).matches("[\\w.\\-]+\\.\\d{6}");
        assertThat(events.subList(1, events.size())).allSatisfy(e -> assertThat(validCrc(e)).isTrue());
        assertThat(events.stream().filter(e -> type(e) == XID)).hasSize(21);
    }

    /**
     * Logs in, runs {@code checksumStatement}, dumps from the start with the non-blocking flag and returns the
     * events (without their 0x00 packet prefix), after checking that the dump ended with an EOF packet.
     */
    private static List<byte[]> dump(String checksumStatement, int serverId) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", sluice.facadePort)) {
            socket.setSoTimeout(30_000);
            Wire wire = new Wire(socket.getInputStream(), socket.getOutputStream());
            wire.login(SluicePipeline.USER, SluicePipeline.PASSWORD);
            wire.query(checksumStatement);
            wire.dumpGtid(0x0001, serverId);
            List<byte[]> events = new ArrayList<>();
            byte[] packet;
            while ((packet = wire.read())[0] == 0x00) {
                events.add(Arrays.copyOfRange(packet, 1, packet.length));
            }
            assertThat(packet[0] & 0xff).as("the packet that ends a non-blocking dump: %s", Wire.error(packet))
                    .isEqualTo(0xfe);
            assertThat(packet.length).as("an EOF packet, not a result row").isLessThan(9);
            return events;
        }
    }

    private static int type(byte[] event) {
        return event[4] & 0xff;
    }

    private static long u32(byte[] b, int off) {
        return ByteBuffer.wrap(b, off, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
    }

    private static int u16(byte[] b, int off) {
        return ByteBuffer.wrap(b, off, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
    }

    private static boolean validCrc(byte[] event) {
        CRC32 crc = new CRC32();
        crc.update(event, 0, event.length - 4);
        return crc.getValue() == u32(event, event.length - 4);
    }

    /** GTID_LOG_EVENT body: flags (1), sid (16), gno (8, little-endian), … ({@code libbinlogevents/control_events}). */
    private static String gtid(byte[] event) {
        ByteBuffer sid = ByteBuffer.wrap(event, HEADER + 1, 16);
        UUID uuid = new UUID(sid.getLong(), sid.getLong());
        long gno = ByteBuffer.wrap(event, HEADER + 17, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return uuid + ":" + gno;
    }

    /** The client side of the MySQL protocol, just enough for a binlog dump. */
    static final class Wire {
        private static final int CLIENT_LONG_PASSWORD = 0x1;
        private static final int CLIENT_PROTOCOL_41 = 0x200;
        private static final int CLIENT_TRANSACTIONS = 0x2000;
        private static final int CLIENT_SECURE_CONNECTION = 0x8000;
        private static final int CLIENT_PLUGIN_AUTH = 0x80000;

        private final DataInputStream in;
        private final OutputStream out;
        private int sequence;

        Wire(InputStream in, OutputStream out) {
            this.in = new DataInputStream(in);
            this.out = out;
        }

        /** Reads one packet (payloads of 16 MiB − 1 and more are joined) and remembers its sequence id. */
        byte[] read() throws IOException {
            ByteArrayOutputStream payload = new ByteArrayOutputStream();
            int length;
            do {
                byte[] header = new byte[4];
                in.readFully(header);
                length = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
                sequence = (header[3] & 0xff) + 1;
                payload.write(in.readNBytes(length));
            } while (length == 0xffffff);
            return payload.toByteArray();
        }

        void write(byte[] payload) throws IOException {
            byte[] header = {(byte) payload.length, (byte) (payload.length >> 8), (byte) (payload.length >> 16),
                (byte) sequence++};
            out.write(header);
            out.write(payload);
            out.flush();
        }

        /** Handshake v10 and HandshakeResponse41 with caching_sha2_password or mysql_native_password. */
        void login(String user, String password) throws IOException {
            ByteBuffer greeting = ByteBuffer.wrap(read()).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(greeting.get()).as("protocol version").isEqualTo((byte) 10);
            while (greeting.get() != 0) {
                // server version
            }
            greeting.getInt(); // connection id
            byte[] nonce = new byte[20];
            greeting.get(nonce, 0, 8);
            greeting.get(); // filler
            greeting.getShort(); // capabilities, low
            greeting.get(); // character set
            greeting.getShort(); // status
            greeting.getShort(); // capabilities, high
            int authDataLength = greeting.get() & 0xff;
            greeting.position(greeting.position() + 10);
            greeting.get(nonce, 8, 12);
            greeting.position(greeting.position() + Math.max(13, authDataLength - 8) - 12);
            String plugin = cString(greeting);

            ByteArrayOutputStream response = new ByteArrayOutputStream();
            int caps = CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_TRANSACTIONS | CLIENT_SECURE_CONNECTION
                    | CLIENT_PLUGIN_AUTH;
            response.writeBytes(le(caps, 4));
            response.writeBytes(le(1 << 24, 4));
            response.write(255); // utf8mb4_0900_ai_ci
            response.writeBytes(new byte[23]);
            response.writeBytes(user.getBytes(StandardCharsets.UTF_8));
            response.write(0);
            byte[] scramble = scramble(plugin, password, nonce);
            response.write(scramble.length);
            response.writeBytes(scramble);
            response.writeBytes(plugin.getBytes(StandardCharsets.UTF_8));
            response.write(0);
            write(response.toByteArray());
            while (true) {
                byte[] reply = read();
                switch (reply[0] & 0xff) {
                    case 0x00 -> {
                        return;
                    }
                    case 0x01 -> assertThat(reply).as("caching_sha2_password fast path").containsExactly(1, 3);
                    case 0xfe -> { // auth switch: plugin name, then a new nonce
                        ByteBuffer b = ByteBuffer.wrap(reply, 1, reply.length - 1);
                        String other = cString(b);
                        byte[] fresh = new byte[20];
                        b.get(fresh);
                        write(scramble(other, password, fresh));
                    }
                    default -> throw new AssertionError("login refused: " + error(reply));
                }
            }
        }

        void query(String sql) throws IOException {
            sequence = 0;
            byte[] text = sql.getBytes(StandardCharsets.UTF_8);
            byte[] payload = new byte[1 + text.length];
            payload[0] = 0x03;
            System.arraycopy(text, 0, payload, 1, text.length);
            write(payload);
            byte[] reply = read();
            assertThat(reply[0]).as("answer to %s: %s", sql, error(reply)).isEqualTo((byte) 0);
        }

        /** COM_BINLOG_DUMP_GTID from the start (no file, position 4) with an empty GTID set. */
        void dumpGtid(int flags, int serverId) throws IOException {
            sequence = 0;
            ByteArrayOutputStream p = new ByteArrayOutputStream();
            p.write(0x1e);
            p.writeBytes(le(flags, 2));
            p.writeBytes(le(serverId, 4));
            p.writeBytes(le(0, 4)); // file name length
            p.writeBytes(le(4, 8)); // position
            p.writeBytes(le(8, 4)); // size of the GTID set
            p.writeBytes(le(0, 8)); // number of UUIDs
            write(p.toByteArray());
        }

        private static String error(byte[] reply) {
            return (reply[0] & 0xff) == 0xff
                    ? "ERR " + u16(reply, 1) + " " + new String(reply, 9, reply.length - 9, StandardCharsets.UTF_8)
                    : HexFormat.of().formatHex(reply, 0, Math.min(reply.length, 32));
        }

        private static byte[] scramble(String plugin, String password, byte[] nonce) {
            byte[] pw = password.getBytes(StandardCharsets.UTF_8);
            return switch (plugin) {
                case "caching_sha2_password" -> {
                    byte[] h1 = digest("SHA-256", pw);
                    byte[] h3 = digest("SHA-256", digest("SHA-256", h1), nonce);
                    yield xor(h1, h3);
                }
                case "mysql_native_password" -> {
                    byte[] h1 = digest("SHA-1", pw);
                    yield xor(h1, digest("SHA-1", nonce, digest("SHA-1", h1)));
                }
                default -> throw new AssertionError("unexpected auth plugin " + plugin);
            };
        }

        private static byte[] digest(String algorithm, byte[]... parts) {
            try {
                MessageDigest md = MessageDigest.getInstance(algorithm);
                for (byte[] part : parts) {
                    md.update(part);
                }
                return md.digest();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        private static byte[] xor(byte[] a, byte[] b) {
            byte[] r = new byte[a.length];
            for (int i = 0; i < a.length; i++) {
                r[i] = (byte) (a[i] ^ b[i]);
            }
            return r;
        }

        private static byte[] le(long value, int bytes) {
            byte[] b = new byte[bytes];
            for (int i = 0; i < bytes; i++) {
                b[i] = (byte) (value >>> (8 * i));
            }
            return b;
        }

        private static String cString(ByteBuffer b) {
            int start = b.position();
            while (b.hasRemaining() && b.get() != 0) {
                // scan to the NUL
            }
            int end = b.position() - (b.position() > start && b.get(b.position() - 1) == 0 ? 1 : 0);
            return new String(b.array(), b.arrayOffset() + start, end - start, StandardCharsets.UTF_8);
        }
    }
}
