package dev.lattice.orchestrator.runlog;

import dev.lattice.persistence.runlog.RunLogChunk;

/**
 * Where a node's runs and dispatchers hand what goes into runs' logs ({@link RunLogWriter}). Called
 * on actors' threads: it never blocks and never fails; what it cannot take is dropped and counted.
 */
@FunctionalInterface
public interface RunLogSink {
  /** A sink that keeps nothing: for nodes and tests without runs' logs. */
  RunLogSink NONE = chunk -> {};

  /** Stores {@code chunk} soon, with others. */
  void append(RunLogChunk chunk);
}
