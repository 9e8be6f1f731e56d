package dev.lattice.protocol.ids;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;

/**
 * Address of one executor-dispatcher: {@code service/role/shard/tenant}. Cluster sharding keeps
 * exactly one dispatcher entity per key, wherever it lives, as a message bus keeps one partition.
 *
 * @param service the family of work, e.g. {@code agent}
 * @param role the capability the work needs, e.g. {@code echo}
 * @param shard the partition of that capability's work
 * @param tenant the tenant whose work this queue holds
 */
public record BusKey(String service, String role, int shard, TenantId tenant) {
  public BusKey {
    requireSegment(service, "service");
    requireSegment(role, "role");
    Objects.requireNonNull(tenant, "tenant");
    if (shard < 0) {
      throw new IllegalArgumentException("shard must not be negative");
    }
  }

  private static void requireSegment(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isEmpty() || value.contains("/")) {
      throw new IllegalArgumentException(name + " must be non-empty and must not contain '/'");
    }
  }

  /** Parses the {@code service/role/shard/tenant} form produced by {@link #value()}. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static BusKey parse(String text) {
    String[] parts = text.split("/", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException("bus key must look like service/role/shard/tenant");
    }
    try {
      return new BusKey(parts[0], parts[1], Integer.parseInt(parts[2]), TenantId.of(parts[3]));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bus key shard must be a number: " + parts[2], e);
    }
  }

  @JsonValue
  public String value() {
    return service + "/" + role + "/" + shard + "/" + tenant.value();
  }

  @Override
  public String toString() {
    return value();
  }
}
