package dev.lattice.orchestrator.mcp;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lattice.orchestrator.http.auth.ForbiddenException;
import dev.lattice.orchestrator.node.Failures;
import dev.lattice.orchestrator.node.InterventionRefusedException;
import dev.lattice.orchestrator.node.TenantBudgetSpentException;
import dev.lattice.orchestrator.plan.PlanRejectedException;
import dev.lattice.persistence.query.UnknownRunException;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.pattern.AskTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON-RPC error a failure stands for: the client's mistakes as invalid params with what was
 * wrong, a node that cannot take the work now as unavailable, anything else as an internal error
 * (logged, never detailed to the client).
 */
final class McpFailures {
  private static final Logger log = LoggerFactory.getLogger(McpFailures.class);

  private McpFailures() {}

  static McpException asMcp(Throwable failure) {
    Throwable e = Failures.cause(failure);
    if (e instanceof McpException mcp) {
      return mcp;
    }
    if (e instanceof PlanRejectedException rejected) {
      return new McpException(
          JsonRpc.INVALID_PARAMS,
          "the run cannot start: " + rejected.reason(),
          rejected.field() == null
              ? null
              : JsonNodeFactory.instance.objectNode().put("field", rejected.field()));
    }
    if (e instanceof UnknownRunException || e instanceof InterventionRefusedException) {
      return new McpException(JsonRpc.INVALID_PARAMS, e.getMessage());
    }
    if (e instanceof ForbiddenException) {
      return new McpException(JsonRpc.FORBIDDEN, e.getMessage());
    }
    if (e instanceof TenantBudgetSpentException) {
      return new McpException(JsonRpc.UNAVAILABLE, e.getMessage());
    }
    if (e instanceof AskTimeoutException || e instanceof TimeoutException) {
      return new McpException(JsonRpc.UNAVAILABLE, "the node did not answer in time; retry later");
    }
    log.error("MCP request failed", e);
    return new McpException(
        JsonRpc.INTERNAL_ERROR, "the request failed on the server; see the node's log");
  }
}
