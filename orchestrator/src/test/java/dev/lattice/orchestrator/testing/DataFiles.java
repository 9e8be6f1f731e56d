package dev.lattice.orchestrator.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** What a node wrote under its data directory, for tests that look for what must not be there. */
public final class DataFiles {
  private DataFiles() {}

  /**
   * Every file below {@code directory}, read byte for byte as Latin-1 (so any text in them shows,
   * whatever the file's format) and put together. Read after the node is closed.
   */
  public static String allText(Path directory) throws IOException {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        all.append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
      }
    }
    return all.toString();
  }
}
