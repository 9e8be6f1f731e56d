package dev.lattice.orchestrator.http.auth;

import dev.lattice.persistence.journal.SecretFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The file in a node's data directory that holds the admin key its first start created: readable
 * and writable by its owner only (mode 0600), so that the {@code lattice} command of the same user
 * on the same machine finds it, and no one else does. The key never reaches a log or the console.
 */
public final class AdminKeyFile {
  private AdminKeyFile() {}

  /** Writes {@code key} to {@code file} whole, owner only, replacing what it held. */
  public static void write(Path file, String key) {
    SecretFile.write(file, key);
  }

  /** The key in {@code file}, if there is such a file and it holds one. */
  public static Optional<String> read(Path file) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      return Optional.empty();
    }
    try {
      String key = Files.readString(file, StandardCharsets.UTF_8).strip();
      return KeyMaterial.looksLikeKey(key) ? Optional.of(key) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
