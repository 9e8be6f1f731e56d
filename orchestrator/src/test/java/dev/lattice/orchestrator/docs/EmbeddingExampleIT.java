package dev.lattice.orchestrator.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedding guide's example is this module's EmbeddingExample, word for word, and it runs. */
class EmbeddingExampleIT {
  @TempDir Path data;

  private static String between(String text, String start, String end) {
    int from = text.indexOf(start);
    int to = text.indexOf(end, from);
    assertThat(from).as("marker %s", start).isNotNegative();
    return text.substring(from + start.length(), to);
  }

  private static String normalized(String code) {
    return code.lines()
        .map(String::strip)
        .filter(l -> !l.isEmpty())
        .reduce("", (a, b) -> a + b + "\n");
  }

  @Test
  void theGuideShowsExactlyTheExampleThatCompiles() throws Exception {
    String guide = Files.readString(Path.of("..", "docs", "embedding.md"));
    Matcher block = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(guide);
    assertThat(block.find()).as("a java block in docs/embedding.md").isTrue();
    String source =
        Files.readString(
            Path.of("src/test/java/dev/lattice/orchestrator/docs/EmbeddingExample.java"));
    String example = between(source, "// example:start", "// example:end");
    assertThat(normalized(block.group(1))).contains(normalized(example));
  }

  @Test
  void theExampleRunsToCompletion() throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      EmbeddingExample.main(new String[] {data.toString()});
    } finally {
      System.setOut(original);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    original.print(printed);
    assertThat(printed)
        .contains("1 run.started")
        .contains("step.succeeded")
        .contains("COMPLETED {\"summary\":{\"summary\":\"Lattice runs durable age...\"}}");
  }
}
