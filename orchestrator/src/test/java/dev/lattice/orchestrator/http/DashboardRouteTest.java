package dev.lattice.orchestrator.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.orchestrator.node.Lattice;
import java.nio.file.Path;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard on a node with authentication off (as the suite's configuration has it, and {@code
 * lattice up --no-auth}): its pages open without signing in, the sign-in answers without a cookie,
 * and the policy and caching headers are those of a node with authentication on.
 */
class DashboardRouteTest extends JUnitRouteTest {
  @TempDir static Path data;
  static Lattice lattice;
  static Route route;

  @BeforeAll
  static void start() {
    lattice = Lattice.builder().dataDirectory(data).start();
    route =
        new HttpApi(
                lattice.client(),
                lattice.system(),
                HttpSettings.create(lattice.system().settings().config())
                    .withAddress("127.0.0.1", API_PORT))
            .route();
  }

  @AfterAll
  static void stop() {
    lattice.close();
  }

  @Override
  ActorSystem<?> nodeSystem() {
    return lattice.system();
  }

  private TestRouteResult send(HttpRequest request) {
    return testRoute(route).run(request);
  }

  @Test
  void pagesOpenWithoutSigningInWhenAuthenticationIsOff() {
    TestRouteResult page = send(HttpRequest.GET("/ui/runs")).assertStatusCode(200);
    page.assertMediaType("text/html");
    assertThat(page.entityString()).contains("<main").doesNotContain("@ASSETS@");
    assertThat(page.response().getHeader("Content-Security-Policy").get().value())
        .isEqualTo(DashboardRoutes.CONTENT_SECURITY_POLICY);
    send(HttpRequest.GET("/ui/runs/01a1ff96-9b53-7f5f-820a-bd4f94045490")).assertStatusCode(200);
    send(HttpRequest.GET("/ui/approvals")).assertStatusCode(200);
    send(HttpRequest.GET("/ui/")).assertStatusCode(200);
    assertThat(send(HttpRequest.GET("/ui")).response().getHeader("Location").get().value())
        .isEqualTo("/ui/");
  }

  @Test
  void theSessionSaysAuthenticationIsOffAndSetsNoCookie() {
    TestRouteResult me = send(HttpRequest.GET("/ui/session")).assertStatusCode(200);
    assertThat(me.entityString()).contains("\"authentication\":false");
    TestRouteResult signIn =
        send(post("/ui/session", "{\"key\":\"lt_anything\"}")).assertStatusCode(200);
    assertThat(signIn.response().getHeaders())
        .noneMatch(h -> h.name().equalsIgnoreCase("Set-Cookie"));
    send(post("/ui/session", "{}")).assertStatusCode(400);
    send(post("/ui/session", "{\"key\":\"a\",\"code\":\"b\"}")).assertStatusCode(400);
  }
}
