package dev.lattice.modelserver.http;

/** Fails a connection's streams on purpose: a script asked for the connection to be dropped. */
final class ConnectionDropped extends RuntimeException {

  private static final long serialVersionUID = 1L;

  ConnectionDropped(String why) {
    super(why, null, false, false);
  }
}
