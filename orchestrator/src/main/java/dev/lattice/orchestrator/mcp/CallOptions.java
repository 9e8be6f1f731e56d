package dev.lattice.orchestrator.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.ids.TenantId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * How a {@code tools/call} asks for its run: for which tenant, under which idempotency key, and
 * whether it wants a task back.
 *
 * @param tenant from {@code _meta["dev.lattice/tenant"]}, else the default tenant
 * @param idempotencyKey from {@code _meta["dev.lattice/idempotencyKey"]}, else derived from the
 *     request: a client that sends the same request again (same session, id, tool and arguments)
 *     gets the run the first one started instead of a second run
 * @param augmentation whether the client asked for a task, and in which revision's form
 */
record CallOptions(TenantId tenant, String idempotencyKey, Augmentation augmentation) {
  static final String TENANT_META = "dev.lattice/tenant";
  static final String IDEMPOTENCY_KEY_META = "dev.lattice/idempotencyKey";
  static final String CLIENT_CAPABILITIES_META = "io.modelcontextprotocol/clientCapabilities";
  static final String TASKS_EXTENSION = "io.modelcontextprotocol/tasks";

  /** Who interventions made through MCP are recorded as. */
  static final String ACTOR = "mcp";

  private static final Pattern VALID_KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");

  /** Whether and how a call asks for a task. */
  enum Augmentation {
    /** An ordinary call: the result, or the run's state after a bounded wait. */
    NONE,
    /**
     * The call declares the tasks extension in its per-request capabilities (SEP-2663): a task
     * handle with {@code resultType: task}.
     */
    TASK,
    /**
     * The call has a {@code task} parameter (the 2025-11-25 revision): a task handle in {@code
     * task}.
     */
    LEGACY_TASK
  }

  /** The options of the call {@code params} (request {@code id} of {@code session}). */
  static CallOptions of(
      JsonNode params, McpSession session, JsonNode id, String tool, JsonNode arguments) {
    JsonNode meta = params.path("_meta");
    TenantId tenant = tenant(meta.get(TENANT_META));
    JsonNode explicitKey = meta.get(IDEMPOTENCY_KEY_META);
    String key =
        explicitKey == null
            ? derivedKey(session, id, tool, arguments, tenant)
            : validKey(explicitKey);
    return new CallOptions(tenant, key, augmentation(params, meta));
  }

  private static Augmentation augmentation(JsonNode params, JsonNode meta) {
    if (meta.path(CLIENT_CAPABILITIES_META).path("extensions").has(TASKS_EXTENSION)) {
      return Augmentation.TASK;
    }
    return params.path("task").isObject() ? Augmentation.LEGACY_TASK : Augmentation.NONE;
  }

  private static TenantId tenant(JsonNode value) {
    if (value == null || value.isNull()) {
      return TenantId.DEFAULT;
    }
    try {
      return TenantId.of(value.asText());
    } catch (IllegalArgumentException e) {
      throw new McpException(
          JsonRpc.INVALID_PARAMS, "_meta." + TENANT_META + ": " + e.getMessage());
    }
  }

  private static String validKey(JsonNode value) {
    if (!value.isTextual() || !VALID_KEY.matcher(value.asText()).matches()) {
      throw new McpException(
          JsonRpc.INVALID_PARAMS,
          "_meta." + IDEMPOTENCY_KEY_META + " must be 1 to 255 visible ASCII characters");
    }
    return value.asText();
  }

  /** A digest of what makes the request this request, so that a resent one maps to the same run. */
  private static String derivedKey(
      McpSession session, JsonNode id, String tool, JsonNode arguments, TenantId tenant) {
    String request =
        String.join("\n", session.id(), id.toString(), tool, arguments.toString(), tenant.value());
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(request.getBytes(StandardCharsets.UTF_8));
      return "mcp-" + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
