package io.sluice.model.consumer;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/consumer.md shows the example program that compiles here, verbatim. */
class ConsumerDocsTest {
    private static final Path PAGE = Path.of("..", "docs", "consumer.md");
    private static final Path EXAMPLE = Path.of("src", "test", "java", "io", "sluice", "model", "consumer",
            "examples", "PrintTransactions.java");
    private static final String BEGIN = "<!-- example: model/src/test/java/io/sluice/model/consumer/examples/"
            + "PrintTransactions.java -->\n```java\n";
    private static final String END = "```\n<!-- end of example -->";

    @Test
    void pageHoldsTheExampleProgramVerbatim() throws IOException {
        String page = Files.readString(PAGE, StandardCharsets.UTF_8);
        String example = Files.readString(EXAMPLE, StandardCharsets.UTF_8);
        int begin = page.indexOf(BEGIN);
        int end = page.indexOf(END);
        assertThat(begin).as("start marker in %s", PAGE).isNotNegative();
        assertThat(end).as("end marker in %s", PAGE).isGreaterThan(begin);
        assertThat(page.substring(begin + BEGIN.length(), end)).isEqualTo(example);
    }

    @Test
    void pageIsLinkedFromTheReadmeAndTheTopicFormat() throws IOException {
        assertThat(Files.readString(Path.of("..", "README.md"))).contains("(docs/consumer.md)");
        assertThat(Files.readString(Path.of("..", "docs", "topic-format.md"))).contains("(consumer.md)");
    }
}
