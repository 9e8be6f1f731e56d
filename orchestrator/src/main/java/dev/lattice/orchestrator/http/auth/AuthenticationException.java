package dev.lattice.orchestrator.http.auth;

/**
 * The request's credentials are missing or do not hold: answered with 401 and a {@code
 * WWW-Authenticate} challenge. The message says what was wrong without repeating the credentials.
 */
public final class AuthenticationException extends RuntimeException {
  private final boolean presented;

  /**
   * @param presented whether the request carried credentials (an invalid token) or none
   */
  public AuthenticationException(String message, boolean presented) {
    super(message, null, false, false);
    this.presented = presented;
  }

  public boolean presented() {
    return presented;
  }
}
