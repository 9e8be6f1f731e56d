package dev.lattice.worker.action;

import dev.lattice.protocol.log.LogLevel;

/**
 * Where an action writes to its run's log while it runs an attempt ({@link
 * ActionContext#log(ActionRequest)}): lines people read to see what the attempt did, apart from its
 * output. Lines go to the run with the attempt's result, held to the agent's bounds ({@code
 * lattice.worker.run-log}); past them they are counted, not kept. Safe to call from any thread;
 * every write costs a little memory, never a wait.
 *
 * <p>Lines are redacted like everything else before they are stored (values named as sensitive),
 * but an action that resolved a secret must scrub its value itself, as from its output.
 */
public interface AttemptLog {
  /** A log that keeps nothing: of an attempt no longer running, or outside an agent. */
  AttemptLog NONE = (level, message) -> {};

  /** Writes {@code message} at {@code level}. */
  void write(LogLevel level, String message);

  default void debug(String message) {
    write(LogLevel.DEBUG, message);
  }

  default void info(String message) {
    write(LogLevel.INFO, message);
  }

  default void warn(String message) {
    write(LogLevel.WARN, message);
  }

  default void error(String message) {
    write(LogLevel.ERROR, message);
  }
}
