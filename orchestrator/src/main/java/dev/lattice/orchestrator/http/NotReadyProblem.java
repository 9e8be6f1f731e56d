package dev.lattice.orchestrator.http;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.lattice.protocol.api.Readiness;
import dev.lattice.protocol.api.ReadinessCheck;
import java.util.List;

/**
 * The body of {@code GET /ready} when the node is not ready: a problem ({@code
 * application/problem+json}) whose {@code detail} names the failing checks, with every check's
 * result as the extension member {@code checks}.
 */
@JsonPropertyOrder({"type", "title", "status", "detail", "checks"})
record NotReadyProblem(
    String type, String title, int status, String detail, List<ReadinessCheck> checks) {

  static NotReadyProblem of(Readiness readiness) {
    Problem problem = Problem.Kind.UNAVAILABLE.with("not ready: " + readiness.failures());
    return new NotReadyProblem(
        problem.type(), problem.title(), problem.status(), problem.detail(), readiness.checks());
  }
}
