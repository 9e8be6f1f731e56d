package dev.lattice.orchestrator.http.auth;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.time.Instant;
import java.util.List;

/**
 * A request to create an API key ({@code POST /api/v1/keys}).
 *
 * @param name what the key is for (shown in lists), up to 200 characters
 * @param tenant the tenant it may see, or {@code *} for every tenant (with the admin role only)
 * @param roles its roles: admin, operator, submitter, viewer
 * @param expiresAt when it stops working, or absent for never
 */
public record NewApiKey(String name, String tenant, List<String> roles, Instant expiresAt) {
  @JsonCreator
  public NewApiKey {
    roles = roles == null ? List.of() : List.copyOf(roles);
  }
}
