package dev.lattice.orchestrator.testing;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless chromium, driven through its chromedriver, for the dashboard's browser tests.
 * When either is missing, the project's script ({@code browser/install-chromium.sh}) installs both
 * from Debian's packages (it needs root); if it cannot, the test fails saying why, rather than
 * skipping. Paths: {@code -Dlattice.test.chromium=...}, {@code -Dlattice.test.chromedriver=...}.
 */
public final class Chromium {
  private static final Path BROWSER =
      Path.of(System.getProperty("lattice.test.chromium", "/usr/bin/chromium"));
  private static final Path DRIVER =
      Path.of(System.getProperty("lattice.test.chromedriver", "/usr/bin/chromedriver"));
  private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(10);

  private Chromium() {}

  /** Installs chromium and chromium-driver unless both are there; fails if it cannot. */
  public static synchronized void ensureInstalled() {
    if (Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER)) {
      return;
    }
    try {
      Path script = Path.of(Chromium.class.getResource("/browser/install-chromium.sh").toURI());
      Path log = Files.createTempFile("install-chromium", ".log");
      Process install =
          new ProcessBuilder("bash", script.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      boolean finished = install.waitFor(INSTALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      if (!finished) {
        install.destroyForcibly();
      }
      if (!finished
          || install.exitValue() != 0
          || !Files.isExecutable(BROWSER)
          || !Files.isExecutable(DRIVER)) {
        throw new IllegalStateException(
            "the browser tests need Debian's chromium and chromium-driver ("
                + BROWSER
                + ", "
                + DRIVER
                + "), and installing them failed: "
                + Files.readString(log, StandardCharsets.UTF_8).strip());
      }
    } catch (IOException | URISyntaxException e) {
      throw new IllegalStateException("cannot run the chromium install script: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * A new headless browser with its own empty profile in {@code profile}, a window of {@code size}.
   * Its background connections are off: this machine's network reaches nothing but loopback.
   */
  public static ChromeDriver start(Path profile, Dimension size) {
    ensureInstalled();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--user-data-dir=" + profile,
        "--window-size=" + size.getWidth() + "," + size.getHeight());
    // The page's console, for tests to read: script errors and refusals of the page's policy.
    options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(DRIVER.toString()))
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, options);
  }
}
