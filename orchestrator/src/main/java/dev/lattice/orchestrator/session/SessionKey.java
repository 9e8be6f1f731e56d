package dev.lattice.orchestrator.session;

import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.session.SessionName;

/**
 * A session of a tenant: the id of its entity is {@code TENANT/NAME}. A tenant is part of the key,
 * so the same name in two tenants is two sessions, and a tenant can never reach another's.
 */
public record SessionKey(TenantId tenant, SessionName name) {
  private static final char SEPARATOR = '/';

  /** The id of the session's entity. */
  public String entityId() {
    return tenant.value() + SEPARATOR + name.value();
  }

  /** The key of the entity {@code entityId}. */
  public static SessionKey parse(String entityId) {
    // Neither a tenant nor a name holds the separator.
    int at = entityId.indexOf(SEPARATOR);
    if (at < 0) {
      throw new IllegalArgumentException("not a session's entity id: " + entityId);
    }
    return new SessionKey(
        TenantId.of(entityId.substring(0, at)), SessionName.of(entityId.substring(at + 1)));
  }

  @Override
  public String toString() {
    return entityId();
  }
}
