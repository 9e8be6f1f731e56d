package dev.lattice.orchestrator.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;

import dev.lattice.orchestrator.http.auth.ApiKeys;
import dev.lattice.orchestrator.http.auth.AuthenticationException;
import dev.lattice.orchestrator.http.auth.ForbiddenException;
import dev.lattice.orchestrator.http.auth.InvalidKeyRequestException;
import dev.lattice.orchestrator.node.Failures;
import dev.lattice.orchestrator.node.InterventionRefusedException;
import dev.lattice.orchestrator.node.InvalidInvocationException;
import dev.lattice.orchestrator.node.TenantBudgetSpentException;
import dev.lattice.orchestrator.node.UnknownAgentException;
import dev.lattice.orchestrator.node.UnknownSessionException;
import dev.lattice.orchestrator.plan.PlanRejectedException;
import dev.lattice.persistence.query.UnknownRunException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.Allow;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MalformedQueryParamRejection;
import org.apache.pekko.http.javadsl.server.MalformedRequestContentRejection;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.server.UnacceptedResponseContentTypeRejection;
import org.apache.pekko.http.javadsl.server.UnsupportedRequestContentTypeRejection;
import org.apache.pekko.http.javadsl.server.ValidationRejection;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.pattern.AskTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every rejection and failure into an {@code application/problem+json} response: the client's
 * mistakes into 4xx with the offending field, anything else into 503 or 500 (logged).
 */
final class ProblemHandlers {
  private static final Logger log = LoggerFactory.getLogger(ProblemHandlers.class);

  private ProblemHandlers() {}

  static HttpResponse response(Problem problem) {
    return HttpResponse.create()
        .withStatus(problem.status())
        .withEntity(JsonSupport.problemEntity(problem));
  }

  static Route completeProblem(Problem problem) {
    return complete(response(problem));
  }

  static RejectionHandler rejections() {
    return RejectionHandler.newBuilder()
        .handle(
            MalformedRequestContentRejection.class, r -> completeProblem(problemOf(r.getCause())))
        .handle(
            ValidationRejection.class,
            r -> completeProblem(Problem.Kind.INVALID_REQUEST.with(r.message())))
        .handle(
            UnsupportedRequestContentTypeRejection.class,
            r ->
                completeProblem(
                    Problem.Kind.UNSUPPORTED_MEDIA_TYPE.with(
                        "send the body as application/json" + "", "Content-Type")))
        .handle(
            UnacceptedResponseContentTypeRejection.class,
            r ->
                completeProblem(
                    Problem.Kind.NOT_ACCEPTABLE.with(
                        "this resource is not available in the requested media type", "Accept")))
        .handle(
            MalformedQueryParamRejection.class,
            r ->
                completeProblem(
                    Problem.Kind.INVALID_REQUEST.with(
                        "query parameter '" + r.parameterName() + "': " + r.errorMsg(),
                        r.parameterName())))
        .handleAll(
            MethodRejection.class,
            rs -> {
              var allowed = rs.stream().map(MethodRejection::supported).toList();
              return complete(
                  response(
                          Problem.Kind.METHOD_NOT_ALLOWED.with(
                              "allowed: "
                                  + allowed.stream()
                                      .map(HttpMethod::name)
                                      .collect(Collectors.joining(", "))))
                      .addHeader(Allow.create(allowed.toArray(HttpMethod[]::new))));
            })
        .handleNotFound(
            completeProblem(Problem.Kind.NOT_FOUND.with("no such resource; see docs/api.md")))
        .build()
        // Whatever else Pekko rejects keeps its status and message, in problem form.
        .withFallback(RejectionHandler.defaultHandler())
        .mapRejectionResponse(ProblemHandlers::asProblem);
  }

  static ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder().matchAny(e -> completeProblem(problemOf(e))).build();
  }

  /** The problem a failure of a request's handling stands for. */
  static Problem problemOf(Throwable failure) {
    Throwable e = Failures.cause(failure);
    if (e instanceof ProblemException problem) {
      return problem.problem();
    }
    if (e instanceof ForbiddenException forbidden) {
      return Problem.Kind.FORBIDDEN.with(forbidden.getMessage());
    }
    if (e instanceof AuthenticationException refused) {
      return Problem.Kind.UNAUTHORIZED.with(refused.getMessage(), "Authorization");
    }
    if (e instanceof InvalidKeyRequestException invalid) {
      return Problem.Kind.INVALID_REQUEST.with(invalid.getMessage(), invalid.field());
    }
    if (e instanceof ApiKeys.AuthStoreException unavailable) {
      log.warn("authentication could not read the API keys", unavailable);
      return Problem.Kind.UNAVAILABLE.with("credentials cannot be checked now; retry later");
    }
    if (e instanceof PlanRejectedException rejected) {
      return Problem.Kind.INVALID_PLAN.with(rejected.reason(), rejected.field());
    }
    if (e instanceof InterventionRefusedException refused) {
      return Problem.Kind.CONFLICT.with(refused.getMessage());
    }
    if (e instanceof TenantBudgetSpentException spent) {
      return Problem.Kind.BUDGET_EXCEEDED.with(spent.getMessage(), "tenant");
    }
    if (e instanceof UnknownAgentException unknown) {
      return Problem.Kind.AGENT_NOT_FOUND.with(unknown.getMessage(), "agent");
    }
    if (e instanceof InvalidInvocationException invalid) {
      return Problem.Kind.INVALID_REQUEST.with(invalid.getMessage(), invalid.field());
    }
    if (e instanceof UnknownSessionException unknown) {
      return Problem.Kind.SESSION_NOT_FOUND.with(unknown.getMessage(), "id");
    }
    if (e instanceof UnknownRunException unknown) {
      return Problem.Kind.RUN_NOT_FOUND.with(unknown.getMessage(), "runId");
    }
    if (e instanceof EntityStreamSizeException size) {
      return Problem.Kind.PAYLOAD_TOO_LARGE.with(
          "the request body is larger than " + size.limit() + " bytes");
    }
    if (e instanceof AskTimeoutException || e instanceof TimeoutException) {
      return Problem.Kind.UNAVAILABLE.with("the node did not answer in time; retry later");
    }
    log.error("request failed", e);
    return Problem.Kind.INTERNAL.with("the request failed on the server; see the node's log");
  }

  /** A response of Pekko's default rejection handler, as a problem. */
  private static HttpResponse asProblem(HttpResponse response) {
    if (response.entity().getContentType().equals(JsonSupport.PROBLEM_JSON)) {
      return response;
    }
    int status = response.status().intValue();
    Problem.Kind kind =
        switch (status) {
          case 404 -> Problem.Kind.NOT_FOUND;
          case 405 -> Problem.Kind.METHOD_NOT_ALLOWED;
          case 406 -> Problem.Kind.NOT_ACCEPTABLE;
          case 413 -> Problem.Kind.PAYLOAD_TOO_LARGE;
          case 415 -> Problem.Kind.UNSUPPORTED_MEDIA_TYPE;
          default -> status >= 500 ? Problem.Kind.INTERNAL : Problem.Kind.INVALID_REQUEST;
        };
    String detail =
        response.entity() instanceof HttpEntity.Strict strict
            ? strict.getData().utf8String()
            : response.status().reason();
    Problem problem = new Problem(kind.type(), response.status().reason(), status, detail, null);
    return response.withEntity(JsonSupport.problemEntity(problem));
  }
}
