package dev.lattice.persistence.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * A secret (a generated password) kept in a file that only its owner may read and write (POSIX mode
 * 0600), so that it reaches other processes of the same user through the file and never through a
 * command line, a log or the journal.
 */
public final class SecretFile {
  /** 256 bits of randomness: far beyond guessing, even by a client that may try forever. */
  private static final int SECRET_BYTES = 32;

  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private static final SecureRandom RANDOM = new SecureRandom();

  private SecretFile() {}

  /**
   * The secret in {@code file}, generated and written first if the file does not exist. The file is
   * written whole or not at all (a temporary file moved into place), so a crash never leaves half a
   * secret behind.
   */
  public static String readOrCreate(Path file) {
    if (Files.exists(file)) {
      return read(file);
    }
    byte[] bytes = new byte[SECRET_BYTES];
    RANDOM.nextBytes(bytes);
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    write(file, secret);
    return secret;
  }

  /**
   * Writes {@code secret} to {@code file}, owner only, whole or not at all (a temporary file moved
   * into place), replacing what the file held.
   */
  public static void write(Path file, String secret) {
    try {
      Path directory = file.toAbsolutePath().getParent();
      Files.createDirectories(directory);
      Path temporary =
          Files.createTempFile(
              directory, file.getFileName().toString(), ".tmp", ownerOnly(directory));
      try {
        Files.writeString(temporary, secret + "\n", StandardCharsets.UTF_8);
        Files.move(
            temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(temporary);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** The secret in {@code file}: its content without the line break that ends it. */
  public static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the secret in " + file, e);
    }
  }

  /** Owner-only permissions where the file system has POSIX permissions; none elsewhere. */
  private static FileAttribute<?>[] ownerOnly(Path directory) {
    boolean posix = Files.getFileAttributeView(directory, PosixFileAttributeView.class) != null;
    return posix
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
        : new FileAttribute<?>[0];
  }
}
