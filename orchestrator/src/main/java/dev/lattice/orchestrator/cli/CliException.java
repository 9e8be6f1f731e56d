package dev.lattice.orchestrator.cli;

/** A failure the command reports in one line, with its exit code. */
class CliException extends RuntimeException {
  /** The request was refused, or the run did not complete. */
  static final int REFUSED = 1;

  /** The server could not be reached. */
  static final int UNREACHABLE = 3;

  private final int exitCode;

  CliException(String message, int exitCode) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
