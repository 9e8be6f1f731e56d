package dev.lattice.worker.action.llm;

import com.typesafe.config.Config;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One model provider of {@code lattice.llm.providers}: where it is, which protocol it speaks and
 * where its API key comes from. Holds the names of the key's sources only, never the key, so that
 * printing these settings cannot leak it.
 *
 * @param name the provider's name in config
 * @param protocol the protocol it speaks
 * @param baseUrl its API's base, with the version ({@code https://api.openai.com/v1})
 * @param apiKeyEnv the environment variable holding its API key; null when it needs none
 * @param apiKeyFile a file holding its API key, read when the variable is not set; may be null
 * @param models the models it serves (a step naming one of them goes to it)
 * @param connectTimeout how long a connection may take to open
 * @param requestTimeout how long a call may take, at most; the attempt's deadline may cut it
 *     shorter
 * @param anthropicVersion the {@code anthropic-version} header sent with the Anthropic protocol
 * @param maxConnections how many calls to it may be open at once on one node; more wait for a
 *     connection
 * @param limits its rate limits, which dispatchers keep to across the cluster before they send work
 */
public record ProviderSettings(
    String name,
    WireProtocol protocol,
    URI baseUrl,
    String apiKeyEnv,
    Path apiKeyFile,
    List<String> models,
    Duration connectTimeout,
    Duration requestTimeout,
    String anthropicVersion,
    int maxConnections,
    ProviderLimits limits) {

  public ProviderSettings {
    limits = limits == null ? ProviderLimits.NONE : limits;
    models = List.copyOf(models);
    apiKeyEnv = apiKeyEnv == null || apiKeyEnv.isBlank() ? null : apiKeyEnv;
  }

  /** Reads provider {@code name} from {@code c}, its section over the provider defaults. */
  static ProviderSettings create(String name, Config c) {
    String file = c.getString("api-key-file");
    return new ProviderSettings(
        name,
        WireProtocol.named(c.getString("protocol")),
        URI.create(c.getString("base-url")),
        c.getString("api-key-env"),
        file.isBlank() ? null : Path.of(file),
        c.getStringList("models"),
        c.getDuration("connect-timeout"),
        c.getDuration("request-timeout"),
        c.getString("anthropic-version"),
        c.getInt("max-connections"),
        ProviderLimits.create(c.getConfig("limits")));
  }

  /** Whether calls to this provider carry an API key. */
  public boolean needsKey() {
    return apiKeyEnv != null || apiKeyFile != null;
  }

  /** Whether it lists {@code model} among those it serves. */
  public boolean serves(String model) {
    return models.contains(model);
  }

  /** The URL of {@code path} under the base URL. */
  URI endpoint(String path) {
    String base = baseUrl.toString();
    return URI.create(base.endsWith("/") ? base + path : base + "/" + path);
  }
}
