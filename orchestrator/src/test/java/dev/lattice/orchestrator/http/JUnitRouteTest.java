package dev.lattice.orchestrator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.orchestrator.testing.Await;
import dev.lattice.protocol.api.RunQuery;
import dev.lattice.protocol.json.LatticeJson;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.Host;
import org.apache.pekko.http.javadsl.server.RouteResult;
import org.apache.pekko.http.javadsl.testkit.DefaultHostInfo;
import org.apache.pekko.http.javadsl.testkit.RouteTest;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.SystemMaterializer;
import org.junit.jupiter.api.Assertions;
import scala.concurrent.Future;
import scala.concurrent.duration.FiniteDuration;

/**
 * Pekko HTTP's route testkit for JUnit 5 (its own base class is for JUnit 4), over the actor system
 * of a real node.
 */
abstract class JUnitRouteTest extends RouteTest {
  /**
   * The port the routes under test are told they serve on (nothing listens on it): requests name
   * {@code localhost} with it, one of the hosts a node always answers to.
   */
  static final int API_PORT = 8080;

  private static final long ROUTE_ANSWER_SECONDS = 30;

  @Override
  public DefaultHostInfo defaultHostInfo() {
    return DefaultHostInfo.apply(Host.create("localhost", API_PORT), false);
  }

  /**
   * The node's actor system (its typed system, which provides the classic one the testkit wants).
   */
  abstract ClassicActorSystemProvider nodeSystem();

  /** A POST of {@code json} as {@code application/json}. */
  static HttpRequest post(String path, String json) {
    return HttpRequest.POST(path)
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, json));
  }

  /** How many runs {@code lattice} knows (up to 500). */
  static long runCount(Lattice lattice) {
    return Await.result(lattice.client().runs(new RunQuery(null, null, null, 500))).runs().size();
  }

  /** The body of a response, as JSON. */
  static JsonNode json(TestRouteResult result) {
    try {
      return LatticeJson.mapper().readTree(result.entityString());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + result.entityString(), e);
    }
  }

  /** Asserts a problem response and returns its body. */
  static JsonNode problem(TestRouteResult result, int status, String slug) {
    result.assertStatusCode(status).assertMediaType("application/problem+json");
    JsonNode body = json(result);
    assertThat(body.get("type").asText()).isEqualTo("urn:lattice:problem:" + slug);
    assertThat(body.get("status").asInt()).isEqualTo(status);
    assertThat(body.get("title").asText()).isNotBlank();
    assertThat(body.get("detail").asText()).isNotBlank();
    return body;
  }

  @Override
  public ActorSystem system() {
    return nodeSystem().classicSystem();
  }

  /**
   * How long a route may take to answer: the testkit's 3 s default fails routes that write to the
   * journal when another process keeps the machine's cores busy.
   */
  @Override
  public FiniteDuration awaitDuration() {
    return FiniteDuration.create(ROUTE_ANSWER_SECONDS, TimeUnit.SECONDS);
  }

  @Override
  public Materializer materializer() {
    return SystemMaterializer.get(system()).materializer();
  }

  @Override
  public TestRouteResult createTestRouteResultAsync(
      HttpRequest request, Future<RouteResult> result) {
    return new TestRouteResult(result, awaitDuration(), system().dispatcher(), materializer()) {
      @Override
      public void fail(String message) {
        Assertions.fail(message);
      }

      @Override
      public void assertEquals(Object expected, Object actual, String message) {
        Assertions.assertEquals(expected, actual, message);
      }

      @Override
      public void assertEquals(int expected, int actual, String message) {
        Assertions.assertEquals(expected, actual, message);
      }

      @Override
      public void assertTrue(boolean predicate, String message) {
        Assertions.assertTrue(predicate, message);
      }
    };
  }
}
