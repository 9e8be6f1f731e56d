package dev.lattice.orchestrator.node;

import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.session.SessionName;

/**
 * The tenant has no session of that name: none was ever appended to, or it was forgotten. A session
 * of another tenant is not found either.
 */
public final class UnknownSessionException extends RuntimeException {
  public UnknownSessionException(TenantId tenant, SessionName name) {
    super("tenant '" + tenant + "' has no session '" + name + "'");
  }
}
