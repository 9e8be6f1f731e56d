package dev.lattice.orchestrator.node;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code lattice.node} and {@code lattice.planner} settings.
 *
 * @param roles this node's roles
 * @param askTimeout how long a client call may wait for an entity
 * @param resendInterval how long a client call waits for an entity before it asks again, within
 *     {@code askTimeout}
 * @param awaitTimeout how long one wait for a run's end lasts before it is asked again
 * @param startTimeout how long starting the node may take
 * @param maxSteps the most steps a plan may have
 * @param maxDuration the longest duration a plan may state
 * @param templates built-in plan templates, name to classpath resource
 * @param templateDirectory extra templates, or {@code null}
 */
public record LatticeSettings(
    List<String> roles,
    Duration askTimeout,
    Duration resendInterval,
    Duration awaitTimeout,
    Duration startTimeout,
    int maxSteps,
    Duration maxDuration,
    Map<String, String> templates,
    Path templateDirectory) {

  public static final String ORCHESTRATOR = "orchestrator";
  public static final String WORKER = "worker";

  public static LatticeSettings create(Config config) {
    Config node = config.getConfig("lattice.node");
    Config planner = config.getConfig("lattice.planner");
    Map<String, String> templates = new LinkedHashMap<>();
    planner
        .getConfig("templates")
        .entrySet()
        .forEach(e -> templates.put(unquote(e.getKey()), e.getValue().unwrapped().toString()));
    String directory = planner.getString("template-dir");
    return new LatticeSettings(
        node.getStringList("roles"),
        node.getDuration("ask-timeout"),
        node.getDuration("resend-interval"),
        node.getDuration("await-timeout"),
        node.getDuration("start-timeout"),
        planner.getInt("max-steps"),
        planner.getDuration("max-duration"),
        templates,
        directory.isBlank() ? null : Path.of(directory));
  }

  private static String unquote(String key) {
    return key.startsWith("\"") && key.endsWith("\"") ? key.substring(1, key.length() - 1) : key;
  }

  public boolean orchestrator() {
    return roles.contains(ORCHESTRATOR);
  }

  public boolean worker() {
    return roles.contains(WORKER);
  }
}
