package dev.lattice.persistence.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;

/**
 * The operating-system user the test's PostgreSQL server runs as. PostgreSQL refuses to run as
 * root, and builds often do (containers, CI runners): then its programs are started through {@code
 * setpriv} as the unprivileged user {@code nobody}, and the server's directory is handed to that
 * user. Otherwise they run as the user running the tests, with nothing to change.
 */
final class ServerUser {
  private static final String UNPRIVILEGED = "nobody";

  /** {@code null} when the programs run as the current user. */
  private final String[] ids;

  private ServerUser(String[] ids) {
    this.ids = ids;
  }

  /** The user for this process: itself, or {@code nobody} when it is root. */
  static ServerUser forThisProcess() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return new ServerUser(null);
    }
    try {
      // passwd lines are name:password:uid:gid:...
      for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
        String[] fields = line.split(":");
        if (fields.length > 3 && fields[0].equals(UNPRIVILEGED)) {
          return new ServerUser(new String[] {fields[2], fields[3]});
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read /etc/passwd", e);
    }
    throw new IllegalStateException(
        "the tests run as root, which PostgreSQL refuses, and there is no user "
            + UNPRIVILEGED
            + " to run it as");
  }

  /** {@code program} with its arguments, as this user runs it. */
  List<String> command(List<String> program) {
    List<String> command = new ArrayList<>();
    if (ids != null) {
      // setpriv replaces itself with the program, so the process started is the program's.
      command.addAll(
          List.of("setpriv", "--reuid=" + ids[0], "--regid=" + ids[1], "--clear-groups", "--"));
    }
    command.addAll(program);
    return command;
  }

  /** Makes {@code path} this user's, so the server may write in it. */
  void own(Path path) {
    if (ids == null) {
      return;
    }
    try {
      UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
      Files.setOwner(path, lookup.lookupPrincipalByName(UNPRIVILEGED));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot hand " + path + " to " + UNPRIVILEGED, e);
    }
  }
}
