package dev.lattice.orchestrator.testing;

import com.typesafe.config.ConfigFactory;
import dev.lattice.modelserver.ScriptedModelServer;
import dev.lattice.modelserver.script.Script;
import dev.lattice.orchestrator.node.Lattice;
import java.nio.file.Path;

/**
 * A node with the default agents whose {@code local} provider is a scripted model server, and its
 * HTTP API on loopback: what a user who runs the examples has after {@code ./lattice up} and {@code
 * ./lattice model-server}. Closing it stops both.
 *
 * @param models the scripted model server
 * @param lattice the node
 * @param api the node's API's base URL
 */
public record ScriptedNode(ScriptedModelServer models, Lattice lattice, String api)
    implements AutoCloseable {

  /** Starts a model server answering from {@code script}, then a node on {@code data} using it. */
  public static ScriptedNode start(Path data, Script script) {
    ScriptedModelServer models = ScriptedModelServer.start(script);
    Lattice lattice;
    try {
      lattice = builder(data, models).start();
    } catch (RuntimeException e) {
      models.close();
      throw e;
    }
    return new ScriptedNode(models, lattice, LoopbackApi.start(lattice));
  }

  /** A node on {@code data} whose {@code local} provider is {@code models}, to start. */
  public static Lattice.Builder builder(Path data, ScriptedModelServer models) {
    return Lattice.builder()
        .dataDirectory(data)
        .config(
            ConfigFactory.parseString(
                "lattice.llm.providers.local.base-url = \"%s/v1\"".formatted(models.baseUrl())));
  }

  @Override
  public void close() {
    lattice.close();
    models.close();
  }
}
