package dev.lattice.protocol.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lattice.protocol.audit.AuditEntry;
import java.util.List;

/**
 * A page of one dispatcher's decisions, in the order they were recorded.
 *
 * @param entries the decisions of this page
 * @param next the cursor of the next page ({@link AuditQuery#after()}), absent on the last page
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditPage(List<AuditEntry> entries, String next) {
  public AuditPage {
    entries = List.copyOf(entries);
  }
}
