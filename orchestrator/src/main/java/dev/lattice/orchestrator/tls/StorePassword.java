package dev.lattice.orchestrator.tls;

import com.typesafe.config.Config;
import dev.lattice.persistence.journal.SecretFile;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * A key store's password from configuration: {@code NAME}, else the content of the file {@code
 * NAME-file} (which keeps it off command lines and out of the environment), else empty.
 */
final class StorePassword {
  private StorePassword() {}

  static char[] read(Config config, String name) {
    String password = config.getString(name);
    String file = config.getString(name + "-file");
    if (!password.isEmpty() || file.isBlank()) {
      return password.toCharArray();
    }
    try {
      return SecretFile.read(Path.of(file)).toCharArray();
    } catch (UncheckedIOException e) {
      throw new TlsConfigException("cannot read the password file " + file + " (" + name + ")", e);
    }
  }
}
