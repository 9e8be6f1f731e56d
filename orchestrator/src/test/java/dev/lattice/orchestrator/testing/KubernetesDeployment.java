package dev.lattice.orchestrator.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The Kubernetes deployment under deploy/kubernetes, and the environment its pods give a node. */
public final class KubernetesDeployment {
  /** What the manifests set in a worker pod's environment (the downward API and the Secret). */
  public static final Map<String, String> WORKER_POD_ENVIRONMENT =
      Map.of(
          "POD_IP", "10.1.2.3",
          "LATTICE_NODE_NAME", "lattice-worker-0",
          "LATTICE_NODE_ROLES", "worker",
          "LATTICE_JOURNAL_URL", "jdbc:postgresql://lattice-postgres:5432/lattice",
          "LATTICE_JOURNAL_USER", "lattice",
          "LATTICE_JOURNAL_PASSWORD", "secret");

  private KubernetesDeployment() {}

  /** The directory of the manifests, found from the module's directory upwards. */
  public static Path directory() {
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("deploy").resolve("kubernetes");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError("no deploy/kubernetes above " + start);
  }

  /** The nodes' application.conf, unresolved. */
  public static Config applicationConf() {
    return ConfigFactory.parseFile(directory().resolve("application.conf").toFile());
  }

  /** The nodes' application.conf, resolved in a worker pod's environment. */
  public static Config resolvedApplicationConf() {
    return applicationConf().withFallback(ConfigFactory.parseMap(WORKER_POD_ENVIRONMENT)).resolve();
  }
}
