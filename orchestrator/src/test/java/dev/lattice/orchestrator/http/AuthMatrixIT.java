package dev.lattice.orchestrator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.lattice.modelserver.ScriptedModelServer;
import dev.lattice.modelserver.script.Script;
import dev.lattice.modelserver.script.ScriptEntry;
import dev.lattice.orchestrator.testing.SecuredNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every endpoint of {@code docs/openapi.yaml} × every role × its own tenant and another, over real
 * HTTP with real keys: each answer's status is the one its role and tenant call for, and no answer
 * to a principal of one tenant holds anything of the other (its runs' ids, steps' outputs, payload,
 * sessions, keys). Broken object level authorization (another tenant's things) and broken function
 * level authorization (a role doing what it may not) are counted and must both be nil; the test
 * prints the figures: "cross-tenant successes 0 of N, forbidden actions allowed 0 of M".
 */
class AuthMatrixIT {
  private static final List<String> TENANTS = List.of("alpha", "beta");
  private static final List<String> ROLES = List.of("admin", "operator", "submitter", "viewer");

  /** Each tenant's budget limit, in tokens: a figure no other answer holds. */
  private static final Map<String, String> BUDGETS =
      Map.of("alpha", "917390000173", "beta", "826470000264");

  /** What a call needs: one of these permissions, held to the roles below. */
  enum Need {
    READ("admin", "operator", "submitter", "viewer"),
    SUBMIT("admin", "submitter"),
    INTERVENE("admin", "operator"),
    KEYS("admin"),
    /** Every tenant's: only an admin of every tenant. */
    CLUSTER();

    final Set<String> roles;

    Need(String... roles) {
      this.roles = Set.of(roles);
    }
  }

  /** How a call that names another tenant's thing must be answered. */
  enum Other {
    /** As if it did not exist: 404. */
    NOT_FOUND,
    /** The request itself names the tenant (execute, plan, invoke, a key's tenant): 403. */
    FORBIDDEN,
    /** A list or page: 200, without a thing of the other tenant. */
    FILTERED
  }

  /**
   * One endpoint: its method and path (as in openapi.yaml), what it needs, how it is asked, and
   * which refusals of the caller's own things are expected (deleting what a role deleted before).
   */
  record Endpoint(
      String name, Need need, Other other, Function<Call, Request> request, Set<Integer> ownAlso) {
    Endpoint(String name, Need need, Other other, Function<Call, Request> request) {
      this(name, need, other, request, Set.of());
    }
  }

  /** Who asks about whose things: a principal of {@code tenant} about {@code target}'s. */
  record Call(String tenant, String role, String key, String target) {}

  /** A request: method, path, body (or null). */
  record Request(String method, String path, String body) {}

  @TempDir static Path data;
  static ScriptedModelServer models;
  static SecuredNode node;

  /** Each tenant's admin key, and the keys of the matrix by tenant and role. */
  static final Map<String, Map<String, String>> keys = new LinkedHashMap<>();

  /** What each tenant has: a finished run, a session, the marker in its payload and outputs. */
  static final Map<String, String> completedRun = new LinkedHashMap<>();

  static final Map<String, String> waitingRun = new LinkedHashMap<>();
  static final Map<String, String> keyId = new LinkedHashMap<>();

  /** Everything of a tenant that must never reach a principal of the other. */
  static final Map<String, Set<String>> secrets = new LinkedHashMap<>();

  static int crossTenantAttempts;
  static int crossTenantSuccesses;
  static int forbiddenAttempts;
  static int forbiddenAllowed;
  static final List<String> failures = new ArrayList<>();

  @BeforeAll
  static void start() {
    models =
        ScriptedModelServer.start(
            Script.of(ScriptEntry.text("Noted.").times(Integer.MAX_VALUE))
                .withModels("scripted-model"));
    node =
        SecuredNode.start(
            data,
            ConfigFactory.parseString(
                "lattice.llm.providers.local.base-url = \""
                    + models.baseUrl()
                    + "/v1\"\n"
                    // Budgets whose limits are each tenant's own, to be found where they leak.
                    + "lattice.policy.tenants.alpha.budget { max-tokens = "
                    + BUDGETS.get("alpha")
                    + ", period = 1d }\n"
                    + "lattice.policy.tenants.beta.budget { max-tokens = "
                    + BUDGETS.get("beta")
                    + ", period = 1d }"));
    for (String tenant : TENANTS) {
      Map<String, String> byRole = new LinkedHashMap<>();
      for (String role : ROLES) {
        byRole.put(role, node.createKey(tenant, role));
      }
      keys.put(tenant, byRole);
      String admin = byRole.get("admin");
      String marker = "marker-of-" + tenant;
      String run =
          node.execute(
              admin,
              "{\"payload\":{\"marker\":\""
                  + marker
                  + "\"},\"plan\":{\"steps\":[{\"id\":\"a\",\"capability\":\"echo\","
                  + "\"input\":{\"text\":\"${payload.marker}\"}}]}}");
      node.awaitEnded(admin, run);
      completedRun.put(tenant, run);
      String session = "chat-" + tenant;
      node.awaitEnded(
          admin,
          node.execute(
              admin,
              "{\"plan\":{\"steps\":[{\"id\":\"chat\",\"capability\":\"llm\",\"input\":{"
                  + "\"model\":\"scripted-model\",\"session\":\""
                  + session
                  + "\",\"prompt\":\"remember "
                  + marker
                  + "\"}}]}}"));
      waitingRun.put(tenant, waiting(admin));
      JsonNode listed =
          SecuredNode.json(node.send(admin, "GET", "/api/v1/keys", null).body()).get("keys");
      keyId.put(tenant, listed.get(0).get("id").asText());
      Set<String> own =
          new TreeSet<>(List.of(run, marker, session, waitingRun.get(tenant), BUDGETS.get(tenant)));
      listed.forEach(k -> own.add(k.get("id").asText()));
      secrets.put(tenant, own);
    }
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
    if (models != null) {
      models.close();
    }
  }

  private static String waiting(String key) {
    return node.execute(
        key, "{\"plan\":{\"steps\":[{\"id\":\"w\",\"kind\":\"wait\",\"signal\":\"go\"}]}}");
  }

  private static final String PLAN =
      "\"plan\":{\"steps\":[{\"id\":\"a\",\"capability\":\"echo\",\"input\":{\"text\":\"x\"}}]}";

  /** A body that starts something, for the caller's own tenant or naming the target's. */
  private static String naming(Call call, String rest) {
    return call.target().equals(call.tenant())
        ? "{" + rest + "}"
        : "{\"tenant\":\"" + call.target() + "\"," + rest + "}";
  }

  /** A run of the target to act on: a fresh one when the caller acts on its own. */
  private static String actOn(Call call) {
    return call.target().equals(call.tenant())
        ? waiting(keys.get(call.target()).get("admin"))
        : waitingRun.get(call.target());
  }

  private static List<Endpoint> endpoints() {
    return List.of(
        new Endpoint(
            "POST /api/v1/plan",
            Need.SUBMIT,
            Other.FORBIDDEN,
            c -> new Request("POST", "/api/v1/plan", naming(c, PLAN))),
        new Endpoint(
            "POST /api/v1/execute",
            Need.SUBMIT,
            Other.FORBIDDEN,
            c -> new Request("POST", "/api/v1/execute", naming(c, PLAN))),
        new Endpoint(
            "GET /api/v1/runs",
            Need.READ,
            Other.FILTERED,
            c -> new Request("GET", "/api/v1/runs?tenant=" + c.target(), null)),
        new Endpoint(
            "GET /api/v1/runs (no filter)",
            Need.READ,
            Other.FILTERED,
            c -> new Request("GET", "/api/v1/runs?limit=500", null)),
        new Endpoint(
            "GET /api/v1/approvals",
            Need.READ,
            Other.FILTERED,
            c -> new Request("GET", "/api/v1/approvals?tenant=" + c.target(), null)),
        new Endpoint(
            "GET /api/v1/approvals (no filter)",
            Need.READ,
            Other.FILTERED,
            c -> new Request("GET", "/api/v1/approvals", null)),
        new Endpoint(
            "GET /api/v1/budgets",
            Need.READ,
            Other.FILTERED,
            c -> new Request("GET", "/api/v1/budgets", null)),
        new Endpoint(
            "GET /api/v1/runs/{id}",
            Need.READ,
            Other.NOT_FOUND,
            c -> new Request("GET", "/api/v1/runs/" + completedRun.get(c.target()), null)),
        new Endpoint(
            "GET /api/v1/runs/{id}/steps/{stepId}",
            Need.READ,
            Other.NOT_FOUND,
            c ->
                new Request(
                    "GET", "/api/v1/runs/" + completedRun.get(c.target()) + "/steps/a", null)),
        new Endpoint(
            "GET /api/v1/runs/{id}/events",
            Need.READ,
            Other.NOT_FOUND,
            c ->
                new Request(
                    "GET", "/api/v1/runs/" + completedRun.get(c.target()) + "/events", null)),
        new Endpoint(
            "GET /api/v1/runs/{id}/audit",
            Need.READ,
            Other.NOT_FOUND,
            c ->
                new Request(
                    "GET", "/api/v1/runs/" + completedRun.get(c.target()) + "/audit", null)),
        new Endpoint(
            "GET /api/v1/runs/{id}/logs",
            Need.READ,
            Other.NOT_FOUND,
            c ->
                new Request("GET", "/api/v1/runs/" + completedRun.get(c.target()) + "/logs", null)),
        new Endpoint(
            "GET /api/v1/runs/{id}/audit/verify",
            Need.READ,
            Other.NOT_FOUND,
            c ->
                new Request(
                    "GET", "/api/v1/runs/" + completedRun.get(c.target()) + "/audit/verify", null)),
        new Endpoint(
            "POST /api/v1/runs/{id}/pause",
            Need.INTERVENE,
            Other.NOT_FOUND,
            c -> new Request("POST", "/api/v1/runs/" + actOn(c) + "/pause", "{}")),
        new Endpoint(
            "POST /api/v1/runs/{id}/resume",
            Need.INTERVENE,
            Other.NOT_FOUND,
            c -> new Request("POST", "/api/v1/runs/" + actOn(c) + "/resume", "{}")),
        new Endpoint(
            "POST /api/v1/runs/{id}/cancel",
            Need.INTERVENE,
            Other.NOT_FOUND,
            c -> new Request("POST", "/api/v1/runs/" + actOn(c) + "/cancel", "{}")),
        new Endpoint(
            "POST /api/v1/runs/{id}/signals/{name}",
            Need.INTERVENE,
            Other.NOT_FOUND,
            c -> new Request("POST", "/api/v1/runs/" + actOn(c) + "/signals/go", "{}")),
        new Endpoint(
            "POST /api/v1/runs/{id}/steps/{stepId}/override",
            Need.INTERVENE,
            Other.NOT_FOUND,
            c ->
                new Request(
                    "POST",
                    "/api/v1/runs/" + actOn(c) + "/steps/w/override",
                    "{\"output\":{\"ok\":true}}")),
        new Endpoint(
            "POST /api/v1/runs/{id}/steps/{stepId}/retry",
            Need.INTERVENE,
            Other.NOT_FOUND,
            c -> new Request("POST", "/api/v1/runs/" + actOn(c) + "/steps/w/retry", "{}")),
        new Endpoint(
            "GET /api/v1/audit",
            Need.READ,
            Other.FILTERED,
            c -> new Request("GET", "/api/v1/audit?busKey=agent/echo/0/" + c.target(), null)),
        new Endpoint(
            "GET /api/v1/audit/verify?busKey=",
            Need.READ,
            Other.FILTERED,
            c ->
                new Request("GET", "/api/v1/audit/verify?busKey=agent/echo/0/" + c.target(), null)),
        new Endpoint(
            "GET /api/v1/audit/verify?chain=policy",
            Need.CLUSTER,
            Other.FORBIDDEN,
            c -> new Request("GET", "/api/v1/audit/verify?chain=policy", null)),
        new Endpoint(
            "GET /api/v1/sessions/{id}",
            Need.READ,
            Other.NOT_FOUND,
            c ->
                new Request(
                    "GET", "/api/v1/sessions/chat-" + c.target() + "?tenant=" + c.target(), null)),
        new Endpoint(
            "GET /api/v1/sessions/{id} (own tenant by default)",
            Need.READ,
            Other.NOT_FOUND,
            c -> new Request("GET", "/api/v1/sessions/chat-" + c.target(), null)),
        new Endpoint(
            "DELETE /api/v1/sessions/{id}",
            Need.INTERVENE,
            Other.NOT_FOUND,
            c ->
                new Request(
                    "DELETE",
                    "/api/v1/sessions/chat-" + c.target() + "?tenant=" + c.target(),
                    null),
            // The first role to delete it deletes it; the next finds nothing.
            Set.of(404)),
        new Endpoint(
            "GET /metrics",
            Need.CLUSTER,
            Other.FORBIDDEN,
            c -> new Request("GET", "/metrics", null)),
        new Endpoint(
            "GET /api/v1/state",
            Need.CLUSTER,
            Other.FORBIDDEN,
            c -> new Request("GET", "/api/v1/state", null)),
        new Endpoint(
            "GET /api/v1/agents",
            Need.READ,
            Other.FILTERED,
            c -> new Request("GET", "/api/v1/agents", null)),
        new Endpoint(
            "POST /api/v1/agents/{agent}/invoke",
            Need.SUBMIT,
            Other.FORBIDDEN,
            c ->
                new Request(
                    "POST", "/api/v1/agents/echo/invoke", naming(c, "\"input\":{\"text\":\"x\"}"))),
        new Endpoint(
            "GET /api/v1/openapi.yaml",
            Need.READ,
            Other.FILTERED,
            c -> new Request("GET", "/api/v1/openapi.yaml", null)),
        new Endpoint(
            "GET /api/v1/keys",
            Need.KEYS,
            Other.FILTERED,
            c -> new Request("GET", "/api/v1/keys?tenant=" + c.target(), null)),
        new Endpoint(
            "GET /api/v1/keys (no filter)",
            Need.KEYS,
            Other.FILTERED,
            c -> new Request("GET", "/api/v1/keys", null)),
        new Endpoint(
            "POST /api/v1/keys",
            Need.KEYS,
            Other.FORBIDDEN,
            c ->
                new Request(
                    "POST",
                    "/api/v1/keys",
                    "{\"tenant\":\"" + c.target() + "\",\"roles\":[\"viewer\"]}")),
        new Endpoint(
            "GET /api/v1/keys/{id}",
            Need.KEYS,
            Other.NOT_FOUND,
            c -> new Request("GET", "/api/v1/keys/" + keyId.get(c.target()), null)),
        new Endpoint(
            "POST /api/v1/keys/{id}/expire",
            Need.KEYS,
            Other.NOT_FOUND,
            c ->
                new Request(
                    "POST",
                    "/api/v1/keys/" + keyId.get(c.target()) + "/expire",
                    "{\"at\":\"2999-01-01T00:00:00Z\"}")),
        new Endpoint(
            "POST /api/v1/stream-tokens",
            Need.READ,
            Other.NOT_FOUND,
            c ->
                new Request(
                    "POST",
                    "/api/v1/stream-tokens",
                    "{\"runId\":\"" + completedRun.get(c.target()) + "\"}")),
        new Endpoint(
            "POST /mcp tools/call lattice.get_run",
            Need.READ,
            Other.NOT_FOUND,
            c ->
                new Request(
                    "MCP",
                    "lattice.get_run",
                    "{\"runId\":\"" + completedRun.get(c.target()) + "\"}")),
        new Endpoint(
            "POST /mcp tools/call lattice.run_plan",
            Need.SUBMIT,
            Other.FORBIDDEN,
            c ->
                new Request(
                    "MCP",
                    "lattice.run_plan",
                    "{\"plan\":{\"steps\":[{\"id\":\"a\",\"capability\":\"echo\"}]}}")),
        new Endpoint(
            "POST /mcp tasks/cancel",
            Need.INTERVENE,
            Other.NOT_FOUND,
            c -> new Request("MCP-CANCEL", actOn(c), null)));
  }

  @Test
  void everyEndpointHoldsEveryRoleToItsRightsAndItsTenant() {
    for (Endpoint endpoint : endpoints()) {
      for (String tenant : TENANTS) {
        for (String role : ROLES) {
          for (String target : TENANTS) {
            check(endpoint, new Call(tenant, role, keys.get(tenant).get(role), target));
          }
        }
      }
    }
    System.out.printf(
        "authorization matrix: %d endpoints x %d roles x own/other tenant; cross-tenant successes"
            + " %d of %d, forbidden actions allowed %d of %d%n",
        endpoints().size(),
        ROLES.size(),
        crossTenantSuccesses,
        crossTenantAttempts,
        forbiddenAllowed,
        forbiddenAttempts);
    assertThat(failures).isEmpty();
    assertThat(crossTenantSuccesses).isZero();
    assertThat(forbiddenAllowed).isZero();
    assertThat(crossTenantAttempts).isGreaterThan(200);
  }

  private static void check(Endpoint endpoint, Call call) {
    Request request = endpoint.request().apply(call);
    boolean own = call.target().equals(call.tenant());
    boolean permitted = endpoint.need().roles.contains(call.role());
    Answer answer = ask(call, request);
    String where =
        endpoint.name() + " as " + call.role() + " of " + call.tenant() + " on " + call.target();
    String foreign = TENANTS.stream().filter(t -> !t.equals(call.tenant())).findFirst().get();
    // What the request itself names (a run's id it asks about) may come back in a "not found".
    String asked = request.path() + " " + request.body();
    boolean leaked =
        secrets.get(foreign).stream()
            .anyMatch(secret -> answer.body().contains(secret) && !asked.contains(secret));
    if (!own) {
      crossTenantAttempts++;
      boolean denied =
          switch (endpoint.other()) {
            case NOT_FOUND -> !permitted ? answer.forbidden() : answer.notFound();
            case FORBIDDEN -> answer.forbidden();
            case FILTERED -> !permitted ? answer.forbidden() : answer.ok();
          };
      if (!denied || leaked) {
        crossTenantSuccesses++;
        failures.add("cross-tenant: " + where + " -> " + answer);
      }
    } else if (leaked) {
      crossTenantSuccesses++;
      failures.add("leak: " + where + " -> " + answer);
    }
    if (!permitted) {
      forbiddenAttempts++;
      if (!answer.forbidden()) {
        forbiddenAllowed++;
        failures.add("forbidden: " + where + " -> " + answer);
      }
    } else if (own && !answer.ok() && !endpoint.ownAlso().contains(answer.status())) {
      failures.add("refused its own: " + where + " -> " + answer);
    }
  }

  /** An answer, classified: success (2xx, or a 409 that reached the thing), 403, or 404. */
  record Answer(int status, String body, String mcpError) {
    boolean ok() {
      return mcpError == null && (status / 100 == 2 || status == 409);
    }

    boolean forbidden() {
      return mcpError != null ? mcpError.equals("-32003") : status == 403;
    }

    boolean notFound() {
      return mcpError != null
          ? mcpError.equals("-32602") || mcpError.equals("tool-error")
          : status == 404;
    }

    @Override
    public String toString() {
      return status + (mcpError == null ? "" : " mcp " + mcpError) + " " + body;
    }
  }

  private static Answer ask(Call call, Request request) {
    if (request.method().startsWith("MCP")) {
      return mcp(call, request);
    }
    HttpResponse<String> response =
        node.send(call.key(), request.method(), request.path(), request.body());
    return new Answer(response.statusCode(), response.body(), null);
  }

  /** A tools/call (or tasks/cancel) through a new MCP session of the caller. */
  private static Answer mcp(Call call, Request request) {
    HttpResponse<String> init =
        node.send(
            call.key(),
            "POST",
            "/mcp",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}");
    if (init.statusCode() != 200) {
      return new Answer(init.statusCode(), init.body(), null);
    }
    String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
    String meta = ",\"_meta\":{\"dev.lattice/tenant\":\"" + call.target() + "\"}";
    String message =
        request.method().equals("MCP-CANCEL")
            ? "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tasks/cancel\",\"params\":{\"taskId\":\""
                + request.path()
                + "\"}}"
            : "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\""
                + request.path()
                + "\",\"arguments\":"
                + request.body()
                + meta
                + "}}";
    HttpResponse<String> response = node.sendMcp(call.key(), session, message);
    JsonNode answer = SecuredNode.json(response.body());
    String error =
        answer.has("error")
            ? answer.get("error").get("code").asText()
            : answer.path("result").path("isError").asBoolean(false) ? "tool-error" : null;
    return new Answer(response.statusCode(), response.body(), error);
  }
}
