package dev.lattice.orchestrator.http.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The file in a node's data directory that holds the admin key its first start created: readable
 * and writable by its owner only (mode 0600), so that the {@code lattice} command of the same user
 * on the same machine finds it, and no one else does. The key never reaches a log or the console.
 */
public final class AdminKeyFile {
  private AdminKeyFile() {}

  /** Writes {@code key} to {@code file} whole (a temporary file moved into place), owner only. */
  public static void write(Path file, String key) {
    try {
      Path directory = file.toAbsolutePath().getParent();
      Files.createDirectories(directory);
      Path temporary =
          Files.createTempFile(
              directory, file.getFileName().toString(), ".tmp", ownerOnly(directory));
      try {
        Files.writeString(temporary, key + "\n", StandardCharsets.UTF_8);
        Files.move(
            temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(temporary);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the admin key to " + file, e);
    }
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

  private static FileAttribute<?>[] ownerOnly(Path directory) {
    boolean posix = Files.getFileAttributeView(directory, PosixFileAttributeView.class) != null;
    return posix
        ? new FileAttribute<?>[] {
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
        }
        : new FileAttribute<?>[0];
  }
}
