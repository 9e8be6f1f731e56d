package dev.lattice.orchestrator.run.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The run's decisions import nothing from Pekko, so they are tested without actors and the entity
 * only carries them out. A source scan: the tests run from the module's directory.
 */
class RunCoreIsPureTest {
  private static final Path CORE = Path.of("src/main/java/dev/lattice/orchestrator/run/core");

  @Test
  void importsNothingFromPekko() throws IOException {
    List<Path> sources;
    try (Stream<Path> files = Files.list(CORE)) {
      sources = files.filter(f -> f.toString().endsWith(".java")).toList();
    }
    assertThat(sources).as("sources in " + CORE.toAbsolutePath()).isNotEmpty();
    for (Path source : sources) {
      assertThat(Files.readAllLines(source))
          .as(source.getFileName().toString())
          .noneMatch(line -> line.matches("\\s*import\\s+(static\\s+)?org\\.apache\\.pekko\\..*"));
    }
  }
}
