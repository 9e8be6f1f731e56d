package dev.lattice.orchestrator.cli;

/** A {@code HOST:PORT} option value. */
record HostAndPort(String host, int port) {
  /** The highest TCP port. */
  static final int MAX_PORT = 65535;

  /** Parses {@code value}, or fails with a message naming {@code option}. */
  static HostAndPort parse(String value, String option) {
    int colon = value.lastIndexOf(':');
    String problem = option + " takes HOST:PORT (for example 127.0.0.1:8080), not '" + value + "'";
    if (colon <= 0 || colon == value.length() - 1) {
      throw new IllegalArgumentException(problem);
    }
    try {
      int port = Integer.parseInt(value.substring(colon + 1));
      if (port < 0 || port > MAX_PORT) {
        throw new IllegalArgumentException(problem);
      }
      return new HostAndPort(value.substring(0, colon), port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(problem);
    }
  }
}
