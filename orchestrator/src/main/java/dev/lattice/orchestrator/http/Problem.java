package dev.lattice.orchestrator.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * An error response body ({@code application/problem+json}, RFC 9457). {@code type} is stable and
 * meant for code; {@code title} is stable per type; {@code detail} says what exactly was wrong.
 *
 * @param type the kind of problem, {@code urn:lattice:problem:<slug>}
 * @param title a short summary of the kind
 * @param status the HTTP status code
 * @param detail what went wrong with this request
 * @param field the offending field of the request, where there is one (a path such as {@code
 *     plan.steps[2].dependsOn}, a query parameter or a header name)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"type", "title", "status", "detail", "field"})
public record Problem(String type, String title, int status, String detail, String field) {

  /** The kinds of problem the API reports. */
  public enum Kind {
    MALFORMED_JSON(400, "malformed-json", "The request body is not valid JSON"),
    INVALID_REQUEST(400, "invalid-request", "The request is invalid"),
    JSON_LIMIT_EXCEEDED(
        400, "json-limit-exceeded", "The request body is nested too deeply or a value is too long"),
    INVALID_PLAN(400, "invalid-plan", "The plan cannot run"),
    UNAUTHORIZED(401, "unauthorized", "Credentials are missing or invalid"),
    FORBIDDEN(403, "forbidden", "The credentials do not allow this"),
    RUN_NOT_FOUND(404, "run-not-found", "No such run"),
    KEY_NOT_FOUND(404, "key-not-found", "No such API key"),
    NOT_FOUND(404, "not-found", "No such resource"),
    AGENT_NOT_FOUND(404, "agent-not-found", "No such agent or capability"),
    SESSION_NOT_FOUND(404, "session-not-found", "No such session"),
    METHOD_NOT_ALLOWED(405, "method-not-allowed", "Method not allowed"),
    CONFLICT(409, "conflict", "The run's state does not allow this"),
    NOT_ACCEPTABLE(406, "not-acceptable", "No acceptable representation"),
    BUDGET_EXCEEDED(429, "budget-exceeded", "The tenant's budget is spent"),
    TOO_MANY_STREAMS(429, "too-many-streams", "Too many event streams open"),
    RATE_LIMITED(429, "rate-limited", "Too many requests"),
    PAYLOAD_TOO_LARGE(413, "payload-too-large", "The request body is too large"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type", "Unsupported content type"),
    HOST_NOT_ALLOWED(421, "host-not-allowed", "This node does not answer to that host name"),
    URI_TOO_LONG(414, "uri-too-long", "The request URI is too long"),
    HEADERS_TOO_LARGE(431, "headers-too-large", "The request headers are too large"),
    NOT_IMPLEMENTED(501, "not-implemented", "The method is not implemented"),
    HTTP_VERSION_NOT_SUPPORTED(
        505, "http-version-not-supported", "The HTTP version is not supported"),
    UNAVAILABLE(503, "unavailable", "The node cannot answer now"),
    INTERNAL(500, "internal-error", "Internal error");

    private final int status;
    private final String slug;
    private final String title;

    Kind(int status, String slug, String title) {
      this.status = status;
      this.slug = slug;
      this.title = title;
    }

    public int status() {
      return status;
    }

    public String type() {
      return "urn:lattice:problem:" + slug;
    }

    /** A problem of this kind. */
    public Problem with(String detail, String field) {
      return new Problem(type(), title, status, detail, field);
    }

    public Problem with(String detail) {
      return with(detail, null);
    }
  }
}
