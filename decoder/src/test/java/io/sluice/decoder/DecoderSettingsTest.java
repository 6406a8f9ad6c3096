package io.sluice.decoder;

import io.sluice.model.rows.Geometry;
import io.sluice.model.rows.MysqlJson;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The decoder's settings from a properties file, the ENUM member parser, and the JSON form of each value kind. */
class DecoderSettingsTest {
    private static Properties props(String... lines) {
        Properties p = new Properties();
        for (String line : lines) {
            int eq = line.indexOf('=');
            p.setProperty(line.substring(0, eq), line.substring(eq + 1));
        }
        return p;
    }

    @Test
    void propertiesGiveSettingsAndPassKafkaPropertiesThrough() {
        DecoderSettings s = DecoderMain.settings(props("bootstrap.servers=k1:9092", "security.protocol=SASL_SSL",
                "sluice.decoder.mode=topic-per-table", "sluice.decoder.schema.host=replica1",
                "sluice.decoder.schema.user=sluice", "sluice.decoder.schema.password.env=SCHEMA_PW",
                "sluice.decoder.replication.factor=3"), Map.of("SCHEMA_PW", "from-env-pw-1")::get);
        assertThat(s.client()).containsEntry("bootstrap.servers", "k1:9092")
                .containsEntry("security.protocol", "SASL_SSL").hasSize(2);
        assertThat(s.mode()).isEqualTo(OutputMode.TOPIC_PER_TABLE);
        assertThat(s.outputTopic()).isEqualTo(DecoderSettings.DEFAULT_TOPIC_PREFIX);
        assertThat(s.binlogTopic()).isEqualTo("sluice.binlog");
        assertThat(s.replicationFactor()).isEqualTo((short) 3);
        assertThat(s.minInsyncReplicas()).isEqualTo(2);
        assertThat(s.columnNames().password()).isEqualTo("from-env-pw-1");
        assertThat(s.columnNames().toString()).doesNotContain("from-env-pw-1").contains("sluice@replica1:3306");
    }

    @Test
    void badPropertiesAreRefusedByName() {
        assertThatThrownBy(() -> DecoderMain.settings(props("bootstrap.servers=k:1", "sluice.decoder.mode=x"),
                k -> null)).hasMessageContaining("sluice.decoder.mode must be one-topic or topic-per-table");
        assertThatThrownBy(() -> DecoderMain.settings(props("bootstrap.servers=k:1", "sluice.decoder.outptu=x"),
                k -> null)).hasMessageContaining("unknown keys [sluice.decoder.outptu]");
        assertThatThrownBy(() -> DecoderMain.settings(props("bootstrap.servers=k:1",
                "sluice.decoder.schema.host=h", "sluice.decoder.schema.user=u",
                "sluice.decoder.schema.password.env=NOPE"), k -> null))
                .hasMessageContaining("NOPE, which is not set");
        assertThatThrownBy(() -> DecoderMain.settings(props("sluice.decoder.mode=one-topic"), k -> null))
                .hasMessageContaining("bootstrap.servers");
        assertThatThrownBy(() -> DecoderMain.settings(props("bootstrap.servers=k:1",
                "sluice.decoder.output.partitions=two"), k -> null))
                .hasMessageContaining("sluice.decoder.output.partitions must be a whole number, not two");
        assertThatThrownBy(() -> DecoderMain.settings(props("bootstrap.servers=k:1",
                "sluice.decoder.output.topic=sluice.binlog"), k -> null))
                .hasMessageContaining("must not be the binlog topic");
        assertThatThrownBy(() -> DecoderMain.settings(props("bootstrap.servers=k:1",
                "sluice.decoder.min.insync.replicas=4"), k -> null))
                .hasMessageContaining("minInsyncReplicas (4) <= replicationFactor (3)");
    }

    @Test
    void theCommandLineSaysWhatIsWrongAndExitsWithTwo() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertThat(DecoderMain.run(new String[0], k -> null, print)).isEqualTo(2);
        Path file = Files.createTempFile("decoder", ".properties");
        Files.writeString(file, "sluice.decoder.mode=sideways\n");
        assertThat(DecoderMain.run(new String[] {file.toString()}, k -> null, print)).isEqualTo(2);
        assertThat(DecoderMain.run(new String[] {file + ".missing"}, k -> null, print)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: DecoderMain <decoder.properties>")
                .contains("cannot start the decoder: ").contains(".missing");
        Files.delete(file);
    }

    @Test
    void enumMembersComeFromTheColumnType() {
        assertThat(EnumMembers.parse("enum('a','it''s','x,y','')")).containsExactly("a", "it's", "x,y", "");
        assertThat(EnumMembers.parse("set('r','w')")).containsExactly("r", "w");
        assertThatThrownBy(() -> EnumMembers.parse("int(11)")).isInstanceOf(DecoderException.class);
        assertThatThrownBy(() -> EnumMembers.parse("enum('a)")).isInstanceOf(DecoderException.class)
                .hasMessageContaining("unterminated");
        assertThat(SchemaLookup.quote("o'k\\")).isEqualTo("'o''k\\\\'");
    }

    @Test
    void everyValueKindHasItsDocumentedJsonForm() {
        assertThat(Envelope.json(null).toString()).isEqualTo("null");
        assertThat(Envelope.json(-5L).toString()).isEqualTo("-5");
        assertThat(Envelope.json(new BigInteger("18446744073709551615")).toString())
                .isEqualTo("18446744073709551615");
        assertThat(Envelope.json(2155).toString()).isEqualTo("2155");
        assertThat(Envelope.json(1.5f).toString()).isEqualTo("1.5");
        assertThat(Envelope.json(-2.25d).toString()).isEqualTo("-2.25");
        assertThat(Envelope.json(new BigDecimal("-12.3400")).toString()).isEqualTo("\"-12.3400\"");
        assertThat(Envelope.json("ünï ✓").toString()).isEqualTo("\"ünï ✓\"");
        assertThat(Envelope.json(new byte[] {0, 1, (byte) 0xff}).toString()).isEqualTo("\"AAH/\"");
        assertThat(Envelope.json(List.of("a", "c")).toString()).isEqualTo("[\"a\",\"c\"]");
        // binary JSON of the literal true (type 0x04, value 0x01), and of the literal null (0x04, 0x00): JSON text in
        // a string, so that a JSON null is not SQL NULL
        assertThat(Envelope.json(new MysqlJson(new byte[] {4, 1})).toString()).isEqualTo("\"true\"");
        assertThat(Envelope.json(new MysqlJson(new byte[] {4, 0})).toString()).isEqualTo("\"null\"");
        assertThat(Envelope.json(new Geometry(4326, new byte[] {1, 2})).toString())
                .isEqualTo("{\"srid\":4326,\"wkb\":\"AQI=\"}");
        assertThatThrownBy(() -> Envelope.json(new Object())).isInstanceOf(DecoderException.class)
                .hasMessageContaining("no JSON form");
    }
}
