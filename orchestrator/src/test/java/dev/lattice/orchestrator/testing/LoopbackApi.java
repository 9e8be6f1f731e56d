package dev.lattice.orchestrator.testing;

import dev.lattice.orchestrator.http.HttpApi;
import dev.lattice.orchestrator.http.HttpSettings;
import dev.lattice.orchestrator.node.Lattice;

/** A node's HTTP API for a test: on loopback and a free port, with the node's own settings. */
public final class LoopbackApi {
  private LoopbackApi() {}

  /** Starts {@code lattice}'s HTTP API; its base URL, e.g. {@code http://127.0.0.1:41234}. */
  public static String start(Lattice lattice) {
    return HttpApi.start(
            lattice,
            HttpSettings.create(lattice.system().settings().config()).withAddress("127.0.0.1", 0))
        .url();
  }
}
