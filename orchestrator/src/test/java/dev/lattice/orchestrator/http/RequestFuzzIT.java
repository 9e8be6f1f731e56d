package dev.lattice.orchestrator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.testing.TestJournal;
import dev.lattice.protocol.json.LatticeJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Hostile and careless request bodies against a real node over HTTP on loopback: whatever is sent
 * to any POST endpoint, the node answers in time, never with a 5xx, always with a problem when it
 * refuses, and never accepts a body that is not exactly one JSON document. Random plans (fields of
 * every type, extreme numbers, deep nesting, unknown references) are refused with a 4xx or run; a
 * run they start can always be cancelled.
 */
class RequestFuzzIT {
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(15);

  /** Parses as the API promises to: one document, nothing after it. */
  private static final ObjectMapper STRICT =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final List<String> STEP_FIELDS =
      List.of(
          "id",
          "kind",
          "capability",
          "dependsOn",
          "input",
          "durationMs",
          "signal",
          "retry",
          "timeouts",
          "budget",
          "model",
          "expression",
          "condition",
          "onFalse",
          "heartbeatMs");
  private static final List<String> NESTED_FIELDS =
      List.of(
          "maxAttempts",
          "initialBackoffMs",
          "maxBackoffMs",
          "multiplier",
          "jitter",
          "scheduleToStartMs",
          "startToCloseMs",
          "heartbeatMs",
          "maxTokens",
          "maxCostUsd",
          "nonRetryable");
  private static final List<String> REQUEST_FIELDS =
      List.of("tenant", "mode", "payload", "priority", "deadlineMs", "intent", "budget");

  private static Path data;
  private static Lattice lattice;
  private static HostileCredentials hostile;
  private static String api;
  private static String waitingRun;
  private static final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeContainer
  static void start() throws IOException {
    data = Files.createTempDirectory("lattice-fuzz");
    lattice = TestJournal.h2(data).node().start();
    HttpSettings settings =
        HttpSettings.create(lattice.system().settings().config()).withAddress("127.0.0.1", 0);
    api = HttpApi.start(lattice, settings).url();
    // A run that waits for a signal, for the intervention endpoints to act on.
    HttpResponse<String> started =
        post(
            "/api/v1/execute",
            "{\"plan\":{\"steps\":[{\"id\":\"w\",\"kind\":\"wait\",\"signal\":\"go\"}]}}",
            "application/json");
    assertThat(started.statusCode()).isEqualTo(202);
    waitingRun = LatticeJson.mapper().readTree(started.body()).get("runId").asText();
    hostile = HostileCredentials.start(data.resolve("secured"));
  }

  @AfterContainer
  static void stop() throws IOException {
    if (hostile != null) {
      hostile.close();
    }
    if (lattice != null) {
      lattice.close();
    }
    if (data != null) {
      try (Stream<Path> files = Files.walk(data)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** A valid body for each POST endpoint, as a pair of path and body. */
  private static List<Tuple.Tuple2<String, String>> validBodies() {
    String run = "/api/v1/runs/" + waitingRun;
    String plan =
        "{\"plan\":{\"steps\":[{\"id\":\"a\",\"kind\":\"agent\",\"capability\":\"echo\","
            + "\"input\":{\"text\":\"hi\",\"n\":[1,2.5,true,null]}}]},\"payload\":{\"k\":\"v\"}}";
    return List.of(
        Tuple.of("/api/v1/plan", plan),
        Tuple.of("/api/v1/execute", plan),
        Tuple.of(run + "/pause", "{\"actor\":\"ops\",\"reason\":\"fuzz\"}"),
        Tuple.of(run + "/resume", "{\"actor\":\"ops\"}"),
        Tuple.of(run + "/signals/other", "{\"data\":{\"by\":\"fuzz\"},\"stepId\":\"w\"}"),
        Tuple.of(run + "/steps/nope/override", "{\"output\":{\"x\":1},\"reason\":\"fuzz\"}"),
        Tuple.of(run + "/cancel", "{\"actor\":\"ops\",\"reason\":\"fuzz\"}"));
  }

  @Property(tries = 1000)
  void aBodyThatIsNotExactlyOneJsonDocumentIsRefusedAsMalformed(
      @ForAll("endpoints") int endpoint, @ForAll("mutations") Mutation mutation) {
    Tuple.Tuple2<String, String> target = validBodies().get(endpoint);
    String body = mutation.apply(target.get2());
    HttpResponse<String> response = post(target.get1(), body, "application/json");
    assertAnsweredWell(response, body);
    // An empty body stands for an intervention's optional body; the parser's own cases aside.
    if (!body.isEmpty() && !isOneJsonDocument(body)) {
      assertThat(response.statusCode()).as("%s %s", target.get1(), body).isEqualTo(400);
      assertThat(response.body()).contains("malformed-json");
    }
  }

  @Property(tries = 500)
  void randomPlansAreRefusedWithAProblemOrRunAndCanBeCancelled(
      @ForAll("requests") ObjectNode request, @ForAll boolean execute) {
    String body = request.toString();
    HttpResponse<String> response =
        post(execute ? "/api/v1/execute" : "/api/v1/plan", body, "application/json");
    assertAnsweredWell(response, body);
    assertThat(response.statusCode()).as(body).isIn(200, 202, 400, 413);
    if (response.statusCode() == 202) {
      String runId = readTree(response.body()).get("runId").asText();
      HttpResponse<String> cancelled =
          post("/api/v1/runs/" + runId + "/cancel", "{}", "application/json");
      assertAnsweredWell(cancelled, body);
      // Cancelled now, or finished before the cancel arrived (409).
      assertThat(cancelled.statusCode()).as(body).isIn(200, 409);
      HttpResponse<String> state = get("/api/v1/runs/" + runId);
      assertThat(state.statusCode()).as(body).isEqualTo(200);
    }
  }

  /**
   * Forged, expired, malformed, misplaced and oversized credentials against the endpoints of a node
   * with authentication on: each is a 401 (with its challenge) or a 403 problem, or, for a valid
   * key of another tenant, a 404 — never a 5xx, never access.
   */
  @Property(tries = 400)
  void hostileCredentialsAreRefusedAndNeverGrantAccess(
      @ForAll("hostileCredentials") HostileCredentials.Credential credential,
      @ForAll("securedEndpoints") int endpoint) {
    HttpResponse<String> response = hostile.send(credential, endpoint);
    String as = credential.kind() + " at " + hostile.endpoint(endpoint) + ": " + response.body();
    assertAnsweredWell(response, as);
    assertThat(response.statusCode()).as(as).isIn(hostile.expected(credential, endpoint));
    if (response.statusCode() == 401) {
      assertThat(response.headers().firstValue("WWW-Authenticate"))
          .as(as)
          .hasValueSatisfying(challenge -> assertThat(challenge).startsWith("Bearer realm="));
    }
    hostile.assertNothingOfTheTargetIn(response.body(), as);
  }

  @Provide
  Arbitrary<HostileCredentials.Credential> hostileCredentials() {
    return hostile.credentials();
  }

  @Provide
  Arbitrary<Integer> securedEndpoints() {
    return Arbitraries.integers().between(0, hostile.endpoints() - 1);
  }

  /** In time (the client's timeout), no 5xx, and every refusal a problem. */
  private static void assertAnsweredWell(HttpResponse<String> response, String body) {
    assertThat(response.statusCode()).as(body).isLessThan(500);
    if (response.statusCode() >= 400) {
      assertThat(response.headers().firstValue("Content-Type"))
          .as(body)
          .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    }
  }

  /**
   * Whether the bytes sent (as the server reads them, a UTF-8 byte order mark allowed) are JSON.
   */
  private static boolean isOneJsonDocument(String body) {
    try {
      return STRICT.readTree(body.getBytes(StandardCharsets.UTF_8)) != null && !body.isBlank();
    } catch (IOException e) {
      return false;
    }
  }

  @Provide
  Arbitrary<Integer> endpoints() {
    return Arbitraries.integers().between(0, 6);
  }

  /** What a careless client or an attacker does to a valid body. */
  record Mutation(String kind, int position, String text) {
    String apply(String body) {
      int at = Math.floorMod(position, body.length() + 1);
      return switch (kind) {
        case "append" -> body + text;
        case "prepend" -> text + body;
        case "truncate" -> body.substring(0, at);
        case "insert" -> body.substring(0, at) + text + body.substring(at);
        case "replace" ->
            body.substring(0, at) + text + body.substring(Math.min(body.length(), at + 1));
        default -> throw new IllegalArgumentException(kind);
      };
    }
  }

  @Provide
  Arbitrary<Mutation> mutations() {
    Arbitrary<String> garbage =
        Arbitraries.oneOf(
            Arbitraries.of(
                " trailing garbage",
                "}",
                "]",
                "\u0000",
                " {}",
                "{\"a\":1}",
                "[]",
                ",",
                "\"",
                "'",
                "\\",
                "\uFEFF",
                "/*c*/",
                "NaN",
                "1e999999",
                "--",
                "\n{}\n",
                ":",
                "null"),
            Arbitraries.strings().ascii().ofMinLength(1).ofMaxLength(8),
            Arbitraries.strings().all().ofMinLength(1).ofMaxLength(4));
    return Combinators.combine(
            Arbitraries.of("append", "prepend", "truncate", "insert", "replace"),
            Arbitraries.integers().between(0, 10_000),
            garbage)
        .as(Mutation::new);
  }

  @Provide
  Arbitrary<ObjectNode> requests() {
    Arbitrary<ObjectNode> steps = step().list().ofMinSize(1).ofMaxSize(4).map(this::stepsPlan);
    return Combinators.combine(steps, requestFields()).as(RequestFuzzIT::withFields);
  }

  private ObjectNode stepsPlan(List<ObjectNode> steps) {
    ObjectNode plan = NODES.objectNode();
    ArrayNode array = plan.putArray("steps");
    steps.forEach(array::add);
    ObjectNode request = NODES.objectNode();
    request.set("plan", plan);
    return request;
  }

  private static ObjectNode withFields(ObjectNode request, List<Tuple.Tuple2<String, JsonNode>> f) {
    f.forEach(field -> request.set(field.get1(), field.get2()));
    return request;
  }

  private Arbitrary<List<Tuple.Tuple2<String, JsonNode>>> requestFields() {
    return Combinators.combine(Arbitraries.of(REQUEST_FIELDS), value())
        .as(Tuple::of)
        .list()
        .ofMaxSize(3);
  }

  /** A step: mostly plausible ids, kinds and capabilities, with fields of any type. */
  private Arbitrary<ObjectNode> step() {
    Arbitrary<JsonNode> id =
        Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.of("a", "b", "c").map(NODES::textNode)), Tuple.of(1, value()));
    Arbitrary<JsonNode> kind =
        Arbitraries.frequencyOf(
            Tuple.of(
                6,
                Arbitraries.of("agent", "wait", "transform", "gate", "notify")
                    .map(NODES::textNode)),
            Tuple.of(1, value()));
    Arbitrary<List<Tuple.Tuple2<String, JsonNode>>> fields =
        Combinators.combine(Arbitraries.of(STEP_FIELDS), fieldValue())
            .as(Tuple::of)
            .list()
            .ofMaxSize(5);
    return Combinators.combine(id, kind, fields)
        .as(
            (stepId, stepKind, extra) -> {
              ObjectNode step = NODES.objectNode();
              step.set("id", stepId);
              step.set("kind", stepKind);
              step.put("capability", "echo");
              extra.forEach(field -> step.set(field.get1(), field.get2()));
              return step;
            });
  }

  /** A field's value: any value, or an object of retry, timeout and budget fields. */
  private Arbitrary<JsonNode> fieldValue() {
    Arbitrary<JsonNode> nested =
        Combinators.combine(Arbitraries.of(NESTED_FIELDS), value())
            .as(Tuple::of)
            .list()
            .ofMaxSize(4)
            .map(
                fields -> {
                  ObjectNode object = NODES.objectNode();
                  fields.forEach(field -> object.set(field.get1(), field.get2()));
                  return object;
                });
    return Arbitraries.oneOf(value(), nested);
  }

  /** Values of every JSON type, with the extremes that break arithmetic and parsers. */
  private Arbitrary<JsonNode> value() {
    Arbitrary<JsonNode> numbers =
        Arbitraries.of(
                0L,
                -1L,
                1L,
                10L,
                1000L,
                31_536_000_000L,
                Integer.MAX_VALUE + 1L,
                Long.MAX_VALUE,
                Long.MIN_VALUE)
            .map(NODES::numberNode);
    Arbitrary<JsonNode> decimals =
        Arbitraries.of(1.5, -0.0, 1e308, 0.1, 2.0).map(d -> (JsonNode) NODES.numberNode(d));
    Arbitrary<JsonNode> texts =
        Arbitraries.oneOf(
                Arbitraries.of(
                    "",
                    "a",
                    "5",
                    "echo",
                    "${steps.a.output}",
                    "${payload.x}",
                    "true",
                    "auto",
                    "strict",
                    "x".repeat(300),
                    "../../etc/passwd",
                    "\u0000",
                    "ünïcødé"),
                Arbitraries.strings().ofMaxLength(10))
            .map(NODES::textNode);
    Arbitrary<JsonNode> others =
        Arbitraries.of(
            NODES.booleanNode(true), NODES.nullNode(), NODES.arrayNode(), NODES.objectNode());
    Arbitrary<JsonNode> arrays =
        Arbitraries.of("a", "b", "c", "z")
            .list()
            .ofMaxSize(3)
            .map(
                ids -> {
                  ArrayNode array = NODES.arrayNode();
                  ids.forEach(array::add);
                  return array;
                });
    Arbitrary<JsonNode> deep = Arbitraries.integers().between(50, 900).map(RequestFuzzIT::nested);
    return Arbitraries.frequencyOf(
        Tuple.of(4, numbers),
        Tuple.of(2, decimals),
        Tuple.of(4, texts),
        Tuple.of(2, others),
        Tuple.of(2, arrays),
        Tuple.of(1, deep));
  }

  private static JsonNode nested(int depth) {
    ObjectNode root = NODES.objectNode();
    ObjectNode level = root;
    for (int i = 1; i < depth; i++) {
      level = level.putObject("n");
    }
    return root;
  }

  private static JsonNode readTree(String body) {
    try {
      return LatticeJson.mapper().readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static HttpResponse<String> post(String path, String body, String contentType) {
    return send(
        HttpRequest.newBuilder(URI.create(api + path))
            .timeout(ANSWER_WITHIN)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build());
  }

  private static HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(api + path)).timeout(ANSWER_WITHIN).build());
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException("no answer from " + request.uri() + " in time", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
