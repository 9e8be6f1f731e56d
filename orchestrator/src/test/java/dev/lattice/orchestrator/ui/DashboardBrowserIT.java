package dev.lattice.orchestrator.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.testing.Chromium;
import dev.lattice.orchestrator.testing.DelayedEcho;
import dev.lattice.orchestrator.testing.SecuredNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser (Debian's headless chromium through Selenium) against a real node
 * (H2 file journal, authentication on, HTTP on loopback): sign in with the admin key, start a run
 * with a fan-out and an approval step, watch its steps turn to succeeded on the graph without a
 * reload, approve it from the Approvals page, see it complete; pause and cancel another run, each
 * with a reason that its audit trail records. Screenshots go to {@code
 * target/screenshots/dashboard/}.
 */
class DashboardBrowserIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Path SCREENSHOTS = Path.of("target", "screenshots", "dashboard");

  /** Two slow branches after a first step, joined, then a person's approval, then a last step. */
  private static final String FAN_OUT =
      "{\"payload\":{\"release\":\"1.4\"},\"plan\":{\"steps\":["
          + "{\"id\":\"fetch\",\"capability\":\"echo\",\"input\":{\"v\":\"${payload.release}\"}},"
          + "{\"id\":\"left\",\"capability\":\"slow\",\"dependsOn\":[\"fetch\"]},"
          + "{\"id\":\"right\",\"capability\":\"slow\",\"dependsOn\":[\"fetch\"]},"
          + "{\"id\":\"join\",\"capability\":\"echo\",\"dependsOn\":[\"left\",\"right\"]},"
          + "{\"id\":\"approval\",\"kind\":\"wait\",\"signal\":\"approve\","
          + "\"dependsOn\":[\"join\"]},"
          + "{\"id\":\"ship\",\"capability\":\"echo\",\"dependsOn\":[\"approval\"]}]}}";

  /** A run that waits a day for its timer: something to pause and cancel. */
  private static final String LONG_WAIT =
      "{\"plan\":{\"steps\":[{\"id\":\"nap\",\"kind\":\"wait\",\"durationMs\":86400000}]}}";

  @TempDir static Path data;
  @TempDir static Path profile;
  static SecuredNode node;
  static ChromeDriver browser;
  static WebDriverWait wait;

  @BeforeAll
  static void start() throws IOException {
    Files.createDirectories(SCREENSHOTS);
    node =
        SecuredNode.start(
            data,
            // Streams without events are dropped soon (the heartbeat comes later): the pages
            // must resume them.
            ConfigFactory.parseString(
                "pekko.http.server.idle-timeout = 2s\nlattice.http.sse-heartbeat = 60s\n"
                    + "lattice.policy.tenants.default.budget { max-tokens = 1000000, period = 1d }"),
            builder -> builder.action("slow", DelayedEcho.after(Duration.ofMillis(1500))));
    browser = Chromium.start(profile, new Dimension(1280, 1000));
    wait = new WebDriverWait(browser, WAIT, Duration.ofMillis(50));
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (node != null) {
      node.close();
    }
  }

  @Test
  void signInRunApproveAndIntervene() throws IOException {
    try {
      walkThrough();
    } catch (RuntimeException | AssertionError e) {
      // What the page showed when it went wrong, beside the screenshots.
      screenshot("failed");
      Files.writeString(SCREENSHOTS.resolve("failed.html"), browser.getPageSource());
      throw e;
    }
  }

  private void walkThrough() throws IOException {
    signIn();

    String runId = startRun(FAN_OUT);
    // The page was loaded once; a marker on it would not survive a reload.
    browser.executeScript("window.latticeTestMarker = 'no reload';");
    // The branches run for 1.5 s: seen running, then succeeded, as events arrive.
    wait.until(
        ExpectedConditions.presenceOfElementLocated(
            By.cssSelector("#dag [data-step='left']:not([data-status='succeeded'])")));
    for (String step : List.of("fetch", "left", "right", "join")) {
      waitForStep(step, "succeeded");
    }
    waitForStep("approval", "waiting");
    waitForStep("ship", "pending");
    screenshot("1-run-waiting-for-approval");

    browser.findElement(By.cssSelector("nav a[data-nav='approvals']")).click();
    wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Approvals"));
    WebElement approve =
        wait.until(
            ExpectedConditions.elementToBeClickable(
                By.xpath("//tr[.//a[text()='" + runId + "']]//button[@data-approve='approval']")));
    screenshot("2-approvals");
    approve.click();
    giveReason("released after review");
    wait.until(
        ExpectedConditions.invisibilityOfElementLocated(By.xpath("//a[text()='" + runId + "']")));

    browser.navigate().back();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), runId));
    wait.until(
        ExpectedConditions.presenceOfElementLocated(
            By.cssSelector("#run-status[data-status='completed']")));
    waitForStep("ship", "succeeded");
    assertThat(browser.executeScript("return window.latticeTestMarker;")).isEqualTo("no reload");
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("events"), "run.completed"));
    assertThat(browser.findElement(By.id("events")).getText()).contains("step.signalled");
    screenshot("3-run-completed");
    JsonNode approved = audit(runId).get("interventions").get(0);
    assertThat(approved.get("type").asText()).isEqualTo("signal");
    assertThat(approved.get("reason").asText()).isEqualTo("released after review");
    assertThat(approved.get("actor").asText()).isEqualTo("key:key_bootstrap-admin (dashboard)");

    String other = startRun(LONG_WAIT);
    waitForStep("nap", "waiting");
    // The node drops the idle stream (its idle timeout is 2 s here) and the browser reconnects
    // with Last-Event-ID: what happens meanwhile shows once, without a reload.
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("stream-state"), "resuming"));
    assertThat(
            node.send(node.adminKey(), "POST", "/api/v1/runs/" + other + "/pause", "{}")
                .statusCode())
        .isEqualTo(200);
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("events"), "run.paused"));
    for (String type : List.of("run.started", "step.waiting", "run.paused")) {
      assertThat(browser.findElements(By.cssSelector("#events li[data-type='" + type + "']")))
          .as(type)
          .hasSize(1);
    }
    assertThat(browser.executeScript("return window.latticeTestMarker;")).isEqualTo("no reload");
    // Offered once the page has the run's state after the event.
    wait.until(ExpectedConditions.elementToBeClickable(By.id("resume-run"))).click();
    giveReason("back online");
    wait.until(
        ExpectedConditions.presenceOfElementLocated(
            By.cssSelector("#run-status[data-status='running']")));
    wait.until(ExpectedConditions.elementToBeClickable(By.id("pause-run"))).click();
    giveReason("maintenance window");
    wait.until(
        ExpectedConditions.presenceOfElementLocated(
            By.cssSelector("#run-status[data-status='paused']")));
    wait.until(ExpectedConditions.elementToBeClickable(By.id("cancel-run"))).click();
    giveReason("not needed any more");
    wait.until(
        ExpectedConditions.presenceOfElementLocated(
            By.cssSelector("#run-status[data-status='cancelled']")));
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("audit"), "not needed any more"));
    browser.executeScript("document.getElementById('audit').scrollIntoView();");
    screenshot("4-run-cancelled-audit-trail");
    assertThat(audit(other).get("interventions").findValuesAsText("reason"))
        .containsExactly("back online", "maintenance window", "not needed any more");

    browser.findElement(By.cssSelector("nav a[data-nav='agents']")).click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "local.echo"));
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "agent/echo/"));
    screenshot("5-agents-and-queues");
    browser.findElement(By.cssSelector("nav a[data-nav='spend']")).click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("budgets"), "of 1000000 tokens"));
    screenshot("6-spend");

    // Nothing the pages did broke their policy or threw.
    assertThat(
            browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.WARNING.intValue())
                .map(LogEntry::getMessage)
                // A 401 the sign-in page asked for on purpose, and the event stream the node
                // dropped above, are logged by the browser too.
                .filter(message -> !message.contains("the server responded with a status of 401"))
                .filter(message -> !message.matches(".*/events\\?from=\\d+ - .*net::ERR_.*"))
                .toList())
        .isEmpty();

    browser.manage().window().setSize(new Dimension(390, 844));
    browser.get(node.url() + "/ui/runs/" + runId);
    waitForStep("ship", "succeeded");
    screenshot("7-run-on-a-phone");
  }

  private void signIn() throws IOException {
    browser.get(node.url() + "/ui/runs");
    wait.until(ExpectedConditions.urlContains("/ui/sign-in"));
    screenshot("0-sign-in");
    browser.findElement(By.id("key")).sendKeys(node.adminKey());
    browser.findElement(By.id("sign-in-button")).click();
    wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Runs"));
    assertThat(browser.getCurrentUrl()).endsWith("/ui/runs").doesNotContain("lt_");
    assertThat(browser.manage().getCookieNamed("lattice_session").isHttpOnly()).isTrue();
    assertThat(browser.manage().getCookieNamed("lattice_session").getValue())
        .doesNotContain(node.adminKey());
  }

  /** Starts a run from the Runs page's form; its id, once its page shows. */
  private String startRun(String request) {
    browser.findElement(By.cssSelector("nav a[data-nav='runs']")).click();
    wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Runs"));
    browser.findElement(By.xpath("//summary[text()='Start a run']")).click();
    WebElement text = browser.findElement(By.id("new-run-request"));
    text.clear();
    // The JSON goes in as typed text would; a script sets it whole, braces and all.
    browser.executeScript("arguments[0].value = arguments[1];", text, request);
    browser.findElement(By.id("start-run")).click();
    wait.until(ExpectedConditions.urlMatches("/ui/runs/[^/]+$"));
    String url = browser.getCurrentUrl();
    return url.substring(url.lastIndexOf('/') + 1);
  }

  private void waitForStep(String step, String status) {
    wait.until(
        ExpectedConditions.presenceOfElementLocated(
            By.cssSelector("#dag [data-step='" + step + "'][data-status='" + status + "']")));
  }

  /** Types {@code reason} into the intervention's dialog and confirms it. */
  private void giveReason(String reason) {
    WebElement field =
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("dialog #reason")));
    field.sendKeys(reason);
    browser.findElement(By.cssSelector("dialog button[type='submit']")).click();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.tagName("dialog")));
  }

  private JsonNode audit(String runId) {
    return SecuredNode.json(
        node.send(node.adminKey(), "GET", "/api/v1/runs/" + runId + "/audit", null).body());
  }

  private void screenshot(String name) throws IOException {
    Files.write(
        SCREENSHOTS.resolve(name + ".png"),
        ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }
}
