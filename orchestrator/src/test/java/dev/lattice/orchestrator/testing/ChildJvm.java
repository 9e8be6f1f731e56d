package dev.lattice.orchestrator.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A JVM started by a test with the test's own classpath, whose output lines the test can wait for.
 * Always stopped: {@link #close()} kills it if it is still running, and the test JVM kills it as it
 * exits if nothing closed it.
 */
public final class ChildJvm implements AutoCloseable {
  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Thread reader;
  private final Thread reaper;

  private ChildJvm(Process process) {
    this.process = process;
    // The last safety net: a child a failed test never reached to close dies with the test JVM
    // instead of running on, orphaned, with its ports and data directory.
    this.reaper = new Thread(process::destroyForcibly, "child-jvm-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
    this.reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  lines.add(line);
                }
              } catch (IOException ignored) {
                // The process died; its output ends here.
              }
            },
            "child-jvm-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code mainClass} with {@code args}; stderr goes to {@code log}. */
  public static ChildJvm start(Path log, String mainClass, List<String> jvmOptions, String... args)
      throws IOException {
    return start(log, null, Map.of(), mainClass, jvmOptions, args);
  }

  /**
   * Starts {@code mainClass} with {@code args} in {@code directory} (null: this one's) with {@code
   * environment} added to this one's; stderr goes to {@code log}.
   */
  public static ChildJvm start(
      Path log,
      Path directory,
      Map<String, String> environment,
      String mainClass,
      List<String> jvmOptions,
      String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    if (directory != null) {
      builder.directory(directory.toFile());
    }
    builder.environment().putAll(environment);
    Process process = builder.start();
    return new ChildJvm(process);
  }

  public List<String> lines() {
    return List.copyOf(lines);
  }

  /** Waits until some output line matches, failing after {@code timeout}. */
  public String awaitLine(Predicate<String> match, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      for (String line : lines) {
        if (match.test(line)) {
          return line;
        }
      }
      if (!process.isAlive()) {
        throw new AssertionError(
            "the child JVM exited with " + process.exitValue() + "; output: " + lines);
      }
      pause();
    }
    throw new AssertionError("no matching line within " + timeout + "; output: " + lines);
  }

  /** Waits until {@code count} output lines match. */
  public void awaitLines(Predicate<String> match, int count, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (lines.stream().filter(match).count() < count) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("fewer than " + count + " matching lines within " + timeout);
      }
      if (!process.isAlive()) {
        throw new AssertionError("the child JVM exited with " + process.exitValue());
      }
      pause();
    }
  }

  /** Kills the process at once (SIGKILL on Unix) and waits for it to be gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the child JVM did not die");
    }
    reader.join(TimeUnit.SECONDS.toMillis(10));
  }

  /** Asks the process to stop (SIGTERM on Unix) and returns its exit code. */
  public int terminate(Duration timeout) throws InterruptedException {
    // Through the handle: Process.destroy() would also close our end of the child's output,
    // losing whatever it prints while it stops.
    process.toHandle().destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the child JVM did not stop within " + timeout);
    }
    reader.join(TimeUnit.SECONDS.toMillis(10));
    return process.exitValue();
  }

  /** Waits until the process's output has been read to its end (the process exited). */
  public void awaitEnd(Duration timeout) throws InterruptedException {
    reader.join(timeout.toMillis());
    if (reader.isAlive()) {
      throw new AssertionError("the process's output did not end within " + timeout);
    }
  }

  public Process process() {
    return process;
  }

  private static void pause() {
    // Polling the child's output; the deadline above bounds the wait.
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException shuttingDown) {
      // The test JVM is exiting: the hook runs anyway, on a process already gone.
    }
  }
}
