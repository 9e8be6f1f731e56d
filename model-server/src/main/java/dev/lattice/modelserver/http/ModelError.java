package dev.lattice.modelserver.http;

import java.util.Optional;

/**
 * An error answer before it is put in a provider's shape.
 *
 * @param status the HTTP status
 * @param kind what went wrong, which each provider names
 * @param message what a person reads
 * @param retryAfterSeconds sent as {@code Retry-After} when present
 */
public record ModelError(
    int status, ErrorKind kind, String message, Optional<Long> retryAfterSeconds) {

  private static final int BAD_REQUEST = 400;
  private static final int UNAUTHORIZED = 401;
  private static final int NOT_FOUND = 404;
  private static final int TOO_MANY_REQUESTS = 429;

  public static ModelError invalidRequest(String message) {
    return new ModelError(BAD_REQUEST, ErrorKind.INVALID_REQUEST, message, Optional.empty());
  }

  public static ModelError unauthorized(String message) {
    return new ModelError(UNAUTHORIZED, ErrorKind.AUTHENTICATION, message, Optional.empty());
  }

  public static ModelError notFound(String message) {
    return new ModelError(NOT_FOUND, ErrorKind.NOT_FOUND, message, Optional.empty());
  }

  public static ModelError rateLimited(String message, long retryAfterSeconds) {
    return new ModelError(
        TOO_MANY_REQUESTS, ErrorKind.RATE_LIMITED, message, Optional.of(retryAfterSeconds));
  }

  public static ModelError contextLengthExceeded(String message) {
    return new ModelError(
        BAD_REQUEST, ErrorKind.CONTEXT_LENGTH_EXCEEDED, message, Optional.empty());
  }
}
