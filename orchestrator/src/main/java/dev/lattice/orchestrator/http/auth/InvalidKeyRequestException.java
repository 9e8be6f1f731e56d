package dev.lattice.orchestrator.http.auth;

/** A request about keys that cannot be met as it is: answered with 400 naming the field. */
public final class InvalidKeyRequestException extends RuntimeException {
  private final String field;

  public InvalidKeyRequestException(String message, String field) {
    super(message, null, false, false);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
