package dev.lattice.orchestrator.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import picocli.CommandLine.Option;

/** The authentication options of the commands that start a node. */
final class AuthOptions {
  @Option(
      names = "--no-auth",
      description =
          "Serve the API without authentication: anyone who reaches it may do anything, for every"
              + " tenant. For a laptop and tests only; a warning is logged at every start.")
  boolean noAuth;

  @Option(
      names = "--new-admin-key",
      description =
          "Create another admin key at this start and write it to DATA/admin.key (when the first"
              + " one was lost; revoke the old one with `lattice keys revoke`).")
  boolean newAdminKey;

  /** The configuration these options stand for. */
  Config config() {
    Config config = ConfigFactory.empty();
    if (noAuth) {
      config = config.withValue("lattice.http.auth.enabled", ConfigValueFactory.fromAnyRef(false));
    }
    if (newAdminKey) {
      config =
          config.withValue(
              "lattice.http.auth.admin-key.renew", ConfigValueFactory.fromAnyRef(true));
    }
    return config;
  }
}
