package dev.lattice.modelserver.http;

/** The kinds of error the server answers, each of which the providers name their own way. */
public enum ErrorKind {
  INVALID_REQUEST,
  CONTEXT_LENGTH_EXCEEDED,
  AUTHENTICATION,
  PERMISSION,
  NOT_FOUND,
  RATE_LIMITED,
  SERVER_ERROR,
  OVERLOADED;

  /** The kind a scripted HTTP error status stands for. */
  public static ErrorKind ofStatus(int status) {
    return switch (status) {
      case 400, 413, 422 -> INVALID_REQUEST;
      case 401 -> AUTHENTICATION;
      case 403 -> PERMISSION;
      case 404 -> NOT_FOUND;
      case 429 -> RATE_LIMITED;
      case 503, 529 -> OVERLOADED;
      default -> status >= 500 ? SERVER_ERROR : INVALID_REQUEST;
    };
  }
}
