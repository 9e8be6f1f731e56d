package dev.lattice.orchestrator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;

/**
 * A file to which test actions append one line when an attempt starts and one when it ends, so a
 * test can count how often each idempotency key really ran, across processes. Each line is one
 * write to a file opened for appending: a process killed with SIGKILL loses none that it wrote, and
 * lines of two processes that use the file one after the other never mix.
 */
public final class ExecutionLog {
  private final Path file;
  private final String process;

  /**
   * @param file the log, shared by every process of a test
   * @param process the name of the writing process, recorded on each line
   */
  public ExecutionLog(Path file, String process) {
    this.file = file;
    this.process = process;
  }

  /** What one line says. */
  public enum What {
    STARTED,
    ENDED
  }

  /** One line: {@code process} started or ended the attempt {@code key} at {@code at}. */
  public record Entry(String process, What what, String key, Instant at) {}

  public void started(String idempotencyKey) {
    append(What.STARTED, idempotencyKey);
  }

  public void ended(String idempotencyKey) {
    append(What.ENDED, idempotencyKey);
  }

  private synchronized void append(What what, String key) {
    String line = process + " " + what + " " + key + " " + Instant.now() + "\n";
    try {
      Files.writeString(
          file,
          line,
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.WRITE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every line of {@code file}, in the order written. */
  public static List<Entry> read(Path file) {
    try {
      if (!Files.exists(file)) {
        return List.of();
      }
      return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
          .map(
              line -> {
                String[] parts = line.split(" ");
                return new Entry(
                    parts[0], What.valueOf(parts[1]), parts[2], Instant.parse(parts[3]));
              })
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
