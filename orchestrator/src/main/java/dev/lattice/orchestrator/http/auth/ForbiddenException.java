package dev.lattice.orchestrator.http.auth;

/**
 * The principal may not do this: none of its roles grants it, or it names a tenant it does not see
 * where naming one is the request itself (an execute). Answered with 403. Things of another tenant
 * are never refused this way: they are not found.
 */
public final class ForbiddenException extends RuntimeException {
  public ForbiddenException(String message) {
    super(message, null, false, false);
  }
}
