package dev.lattice.orchestrator.testing;

import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.node.Lattice;
import dev.lattice.persistence.journal.JournalDatabase;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where a test's nodes keep their journal: the embedded H2 file in their data directory, or a
 * database of a PostgreSQL server. Tests that start nodes through this run unchanged on either.
 *
 * @param dataDirectory the nodes' data directory
 * @param database the shared journal database, or {@code null} for the H2 file in {@code
 *     dataDirectory}
 */
public record TestJournal(Path dataDirectory, JournalDatabase database) {
  private static final String URL = "lattice.persistence.jdbc.url";
  private static final String USER = "lattice.persistence.jdbc.user";
  private static final String PASSWORD = "lattice.persistence.jdbc.password";

  public TestJournal {
    // Without one a node would fall back to the working directory's data/.
    Objects.requireNonNull(dataDirectory, "dataDirectory");
  }

  /** The embedded H2 journal in {@code dataDirectory}. */
  public static TestJournal h2(Path dataDirectory) {
    return new TestJournal(dataDirectory, null);
  }

  /** The journal in {@code database}, shared by every node started on it. */
  public static TestJournal shared(Path dataDirectory, JournalDatabase database) {
    return new TestJournal(dataDirectory, database);
  }

  /** A builder for a node on this journal. */
  public Lattice.Builder node() {
    Lattice.Builder builder = Lattice.builder().dataDirectory(dataDirectory);
    if (database != null) {
      builder.config(
          ConfigFactory.parseMap(
              Map.of(URL, database.url(), USER, database.user(), PASSWORD, database.password())));
    }
    return builder;
  }

  /** JVM options that put a node started in another JVM (with the data directory) on it. */
  public List<String> jvmOptions() {
    if (database == null) {
      return List.of();
    }
    return List.of(
        "-D" + URL + "=" + database.url(),
        "-D" + USER + "=" + database.user(),
        "-D" + PASSWORD + "=" + database.password());
  }
}
