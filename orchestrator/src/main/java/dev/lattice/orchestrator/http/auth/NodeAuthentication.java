package dev.lattice.orchestrator.http.auth;

import dev.lattice.orchestrator.http.ui.UiSettings;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.persistence.auth.JdbcAuthStore;
import dev.lattice.persistence.journal.PersistenceSettings;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Base64;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up a node's authentication when its API starts: the keys, the stream tokens' shared secret,
 * and, on the first start of a cluster, its first admin key, written to a file in the data
 * directory. Blocks (it reads and writes the journal's database).
 */
public final class NodeAuthentication {
  private static final Logger log = LoggerFactory.getLogger(NodeAuthentication.class);

  /** The name of the stream tokens' secret in {@code lattice_signing_key}. */
  static final String STREAM_TOKEN_SECRET = "stream-tokens";

  /** The name of the dashboard's sessions' secret in {@code lattice_signing_key}. */
  static final String DASHBOARD_SECRET = "ui-sessions";

  private static final int SECRET_BYTES = 32;

  private NodeAuthentication() {}

  /**
   * A node's authentication, set up.
   *
   * @param authenticator checks every request's credentials
   * @param adminKeyFile where this node writes (or wrote) the admin key it creates
   * @param adminKeyCreated whether this start created one
   */
  public record Started(Authenticator authenticator, Path adminKeyFile, boolean adminKeyCreated) {}

  /** Sets up the authentication of {@code lattice}'s API as {@code settings} say. */
  public static Started start(Lattice lattice, AuthSettings settings) {
    Clock clock = Clock.systemUTC();
    Executor blocking =
        lattice
            .system()
            .dispatchers()
            .lookup(DispatcherSelector.fromConfig(PersistenceSettings.READ_MODEL_DISPATCHER));
    JdbcAuthStore store = lattice.authStore();
    ApiKeys keys = new ApiKeys(store, blocking, settings, clock, lattice.client().policyAudit());
    StreamTokens streams =
        new StreamTokens(secret(store, STREAM_TOKEN_SECRET), settings.streamTokenTtl(), clock);
    Authenticator authenticator =
        new Authenticator(
            settings,
            UiSettings.create(lattice.system().settings().config()),
            keys,
            streams,
            secret(store, DASHBOARD_SECRET),
            blocking,
            clock);
    Path file =
        PersistenceSettings.create(lattice.system().settings().config())
            .dataDirectory()
            .resolve(settings.adminKeyFile());
    if (!settings.enabled()) {
      log.warn(
          "authentication is OFF (lattice.http.auth.enabled = off): whoever reaches the API may do"
              + " anything, for every tenant");
      return new Started(authenticator, file, false);
    }
    boolean created = false;
    if (!settings.adminKeyImport().isBlank()) {
      Path imported = Path.of(settings.adminKeyImport());
      String key =
          AdminKeyFile.read(imported)
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "lattice.http.auth.admin-key.import: "
                              + imported
                              + " holds no API key (lt_ and 43 base64url characters)"));
      if (keys.bootstrapAdmin(key)) {
        log.info("registered the admin API key of {} as the first admin key", imported);
      }
      return new Started(authenticator, imported, false);
    }
    if (settings.renewAdminKey()) {
      AdminKeyFile.write(file, keys.renewAdmin());
      created = true;
    } else if (settings.bootstrapAdminKey()) {
      var key = keys.bootstrapAdmin();
      key.ifPresent(value -> AdminKeyFile.write(file, value));
      created = key.isPresent();
    }
    if (created) {
      // Where it is, never the key itself.
      log.info("created an admin API key of every tenant; it is in {} (owner only)", file);
    }
    return new Started(authenticator, file, created);
  }

  private static byte[] secret(JdbcAuthStore store, String name) {
    try {
      return Base64.getUrlDecoder()
          .decode(store.signingSecret(name, () -> KeyMaterial.random(SECRET_BYTES)));
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot read the secret '" + name + "' from the journal's database: " + e.getMessage(),
          e);
    }
  }
}
