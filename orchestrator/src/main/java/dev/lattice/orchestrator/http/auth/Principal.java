package dev.lattice.orchestrator.http.auth;

import dev.lattice.protocol.ids.TenantId;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Who is calling the API, as its credentials say: an API key, a JWT of the configured issuer, or a
 * stream token. Every route but the probes gets one ({@link AuthDirectives}), and reaches the node
 * only through a client held to it ({@link ScopedClient}).
 *
 * @param subject the API key's id, the JWT's subject, or the subject a stream token was issued to
 * @param source what kind of credentials it presented
 * @param tenant the one tenant it may see, or {@code null} for every tenant (admins only)
 * @param roles what it may do
 */
public record Principal(String subject, Source source, TenantId tenant, Set<Role> roles) {

  /** The kinds of credentials. */
  public enum Source {
    API_KEY,
    JWT,
    STREAM_TOKEN,
    /** None: authentication is off ({@code lattice.http.auth.enabled = off}). */
    NONE
  }

  /** The subject every request has while authentication is off. */
  public static final String ANONYMOUS = "anonymous";

  public Principal {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(source, "source");
    roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
    if (tenant == null && !roles.contains(Role.ADMIN)) {
      throw new IllegalArgumentException("only an admin may see every tenant");
    }
  }

  /** The principal of every request while authentication is off: an admin of every tenant. */
  public static Principal unauthenticated() {
    return new Principal(ANONYMOUS, Source.NONE, null, Set.of(Role.ADMIN));
  }

  /** Whether it sees every tenant. */
  public boolean allTenants() {
    return tenant == null;
  }

  /** Whether it may see what {@code other} has. */
  public boolean sees(TenantId other) {
    return tenant == null || tenant.equals(other);
  }

  /** Whether one of its roles grants {@code permission}. */
  public boolean may(Permission permission) {
    for (Role role : roles) {
      if (role.grants(permission)) {
        return true;
      }
    }
    return false;
  }

  /** How it is named in logs, audit entries and interventions: never a secret. */
  public String name() {
    return switch (source) {
      case API_KEY -> "key:" + subject;
      case JWT -> "jwt:" + subject;
      case STREAM_TOKEN -> "stream:" + subject;
      case NONE -> subject;
    };
  }
}
