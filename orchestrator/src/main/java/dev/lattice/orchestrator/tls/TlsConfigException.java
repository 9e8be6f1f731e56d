package dev.lattice.orchestrator.tls;

/**
 * TLS files that are missing, unreadable or do not fit together: the node cannot start with them,
 * and the message says which file and why, never a password.
 */
public final class TlsConfigException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  TlsConfigException(String message) {
    super(message);
  }

  TlsConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
