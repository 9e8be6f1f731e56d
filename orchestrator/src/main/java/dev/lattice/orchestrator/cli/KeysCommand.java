package dev.lattice.orchestrator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lattice keys create|list|revoke|expire}: the API keys of the cluster, for admins. A new
 * key is printed once, on stdout alone, so that it can go straight to a file or a secret store.
 */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description = "Manage API keys (admins): create, list, revoke, expire.",
    subcommands = {
      KeysCommand.Create.class,
      KeysCommand.ListKeys.class,
      KeysCommand.Revoke.class,
      KeysCommand.Expire.class
    })
final class KeysCommand {
  private static final String KEYS = "/api/v1/keys";

  private KeysCommand() {}

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = {
        "Create an API key and print it: it is shown this once and never stored.",
        "Only the key goes to stdout; what was created goes to stderr."
      })
  static final class Create extends ClientCommand {
    @Option(
        names = "--tenant",
        required = true,
        paramLabel = "TENANT",
        description = "The tenant the key may see, or * for every tenant (admin keys only).")
    String tenant;

    @Option(
        names = "--role",
        required = true,
        split = ",",
        paramLabel = "ROLE",
        description = "Its roles: admin, operator, submitter, viewer (repeat, or comma-separated).")
    List<String> roles;

    @Option(names = "--name", paramLabel = "TEXT", description = "What the key is for.")
    String name;

    @Option(
        names = "--expires-in",
        paramLabel = "DURATION",
        description = "When it stops working, from now: 30d, 12h, 90m (default: never).")
    String expiresIn;

    @Override
    int run(ApiClient api, PrintStream out) {
      ObjectNode body = ApiClient.MAPPER.createObjectNode().put("tenant", tenant);
      roles.forEach(body.putArray("roles")::add);
      if (name != null) {
        body.put("name", name);
      }
      if (expiresIn != null) {
        body.put("expiresAt", Instant.now().plus(duration(expiresIn, "--expires-in")).toString());
      }
      JsonNode created = api.post(KEYS, body, Map.of(), JsonNode.class);
      if (json()) {
        out.println(ApiClient.pretty(created));
      } else {
        out.println(created.path("key").asText());
        System.err.println(
            "created "
                + describe(created)
                + "; the key above is shown only now: keep it in a secret store");
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the API keys.")
  static final class ListKeys extends ClientCommand {
    @Option(names = "--tenant", paramLabel = "TENANT", description = "Only this tenant's keys.")
    String tenant;

    @Override
    int run(ApiClient api, PrintStream out) {
      JsonNode list =
          api.get(
              KEYS
                  + (tenant == null
                      ? ""
                      : "?tenant=" + URLEncoder.encode(tenant, StandardCharsets.UTF_8)),
              JsonNode.class);
      if (json()) {
        out.println(ApiClient.pretty(list));
      } else {
        for (JsonNode key : list.path("keys")) {
          out.println(describe(key));
        }
      }
      return 0;
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description =
          "Revoke an API key now (for good; other nodes stop accepting it within"
              + " lattice.http.auth.keys.cache-ttl).")
  static final class Revoke extends ClientCommand {
    @Parameters(index = "0", paramLabel = "KEY_ID", description = "The key's id (key_...).")
    String id;

    @Override
    int run(ApiClient api, PrintStream out) {
      JsonNode key =
          api.post(
              KEYS + "/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/revoke",
              ApiClient.MAPPER.createObjectNode(),
              Map.of(),
              JsonNode.class);
      out.println(json() ? ApiClient.pretty(key) : describe(key));
      return 0;
    }
  }

  @Command(
      name = "expire",
      mixinStandardHelpOptions = true,
      description = "Make an API key expire: now, or after a grace period for its users to move.")
  static final class Expire extends ClientCommand {
    @Parameters(index = "0", paramLabel = "KEY_ID", description = "The key's id (key_...).")
    String id;

    @Option(
        names = "--in",
        paramLabel = "DURATION",
        description = "When, from now: 24h, 7d (default: now).")
    String in;

    @Override
    int run(ApiClient api, PrintStream out) {
      ObjectNode body = ApiClient.MAPPER.createObjectNode();
      if (in != null) {
        body.put("at", Instant.now().plus(duration(in, "--in")).toString());
      }
      JsonNode key =
          api.post(
              KEYS + "/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/expire",
              body,
              Map.of(),
              JsonNode.class);
      out.println(json() ? ApiClient.pretty(key) : describe(key));
      return 0;
    }
  }

  /** One line about a key: id, status, tenant, roles, name, expiry. */
  static String describe(JsonNode key) {
    StringBuilder line =
        new StringBuilder(key.path("id").asText())
            .append("  ")
            .append(key.path("status").asText())
            .append("  tenant ")
            .append(key.path("tenant").asText())
            .append("  roles ");
    List<String> names = new ArrayList<>();
    key.path("roles").forEach(role -> names.add(role.asText()));
    line.append(String.join(",", names));
    if (key.hasNonNull("name")) {
      line.append("  \"").append(key.get("name").asText()).append('"');
    }
    if (key.hasNonNull("revokedAt")) {
      line.append("  revoked ").append(key.get("revokedAt").asText());
    } else if (key.hasNonNull("expiresAt")) {
      line.append("  expires ").append(key.get("expiresAt").asText());
    }
    return line.toString();
  }

  /** A duration such as 30d, 12h, 90m or 45s. */
  static Duration duration(String value, String option) {
    try {
      char unit = value.charAt(value.length() - 1);
      long amount = Long.parseLong(value.substring(0, value.length() - 1));
      Duration result =
          switch (unit) {
            case 'd' -> Duration.ofDays(amount);
            case 'h' -> Duration.ofHours(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 's' -> Duration.ofSeconds(amount);
            default -> throw new NumberFormatException();
          };
      if (result.isNegative() || result.isZero()) {
        throw new NumberFormatException();
      }
      return result;
    } catch (NumberFormatException | StringIndexOutOfBoundsException | DateTimeParseException e) {
      throw new CliException(
          option + " takes a positive duration such as 30d, 12h, 90m or 45s, not '" + value + "'",
          CliException.REFUSED);
    }
  }
}
