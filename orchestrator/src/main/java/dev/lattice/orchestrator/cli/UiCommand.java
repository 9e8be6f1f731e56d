package dev.lattice.orchestrator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.json.LatticeJson;
import java.io.PrintStream;
import java.util.Map;
import picocli.CommandLine.Command;

/**
 * {@code lattice ui}: a one-time link that signs the browser that opens it in to the dashboard as
 * the command's own principal (the local admin key, by default), so that no one pastes a key. The
 * code is in the link's fragment, which the browser sends to no server; it works once, for {@code
 * lattice.http.ui.sign-in-link-ttl}.
 */
@Command(
    name = "ui",
    mixinStandardHelpOptions = true,
    description =
        "Print a one-time link that signs a browser in to the web dashboard (/ui) as you, without"
            + " pasting a key; it works once, for two minutes.")
final class UiCommand extends ClientCommand {
  @Override
  int run(ApiClient api, PrintStream out) {
    JsonNode link =
        api.post(
            "/ui/session/links", LatticeJson.mapper().createObjectNode(), Map.of(), JsonNode.class);
    String url = api.base().resolve(link.get("url").asText()).toString();
    if (json()) {
      out.println(ApiClient.pretty(LatticeJson.mapper().createObjectNode().put("url", url)));
    } else {
      out.println(url);
    }
    return 0;
  }
}
