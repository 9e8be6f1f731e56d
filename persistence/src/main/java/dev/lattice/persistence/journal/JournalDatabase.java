package dev.lattice.persistence.journal;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the journal lives and how to reach it.
 *
 * @param dialect the database product
 * @param url the JDBC URL
 * @param user the database user
 * @param password the database password
 */
public record JournalDatabase(Dialect dialect, String url, String user, String password) {

  /** The database products the journal runs on. */
  public enum Dialect {
    H2("slick.jdbc.H2Profile$", "org.h2.Driver", "classpath:db/migration/h2"),
    POSTGRES(
        "slick.jdbc.PostgresProfile$", "org.postgresql.Driver", "classpath:db/migration/postgres");

    private final String slickProfile;
    private final String driver;
    private final String migrations;

    Dialect(String slickProfile, String driver, String migrations) {
      this.slickProfile = slickProfile;
      this.driver = driver;
      this.migrations = migrations;
    }

    public String slickProfile() {
      return slickProfile;
    }

    public String driver() {
      return driver;
    }

    /** The Flyway location of this dialect's migrations. */
    public String migrations() {
      return migrations;
    }

    static Dialect ofUrl(String url) {
      if (url.startsWith("jdbc:h2:")) {
        return H2;
      }
      if (url.startsWith("jdbc:postgresql:")) {
        return POSTGRES;
      }
      throw new IllegalArgumentException(
          "unsupported journal URL '" + url + "': expected jdbc:h2: or jdbc:postgresql:");
    }
  }

  public JournalDatabase {
    Objects.requireNonNull(dialect, "dialect");
    Objects.requireNonNull(url, "url");
    user = user == null ? "" : user;
    password = password == null ? "" : password;
  }

  /**
   * An embedded H2 file database {@code fileName} in {@code dataDirectory}, opened with {@code
   * options} (see {@code lattice.persistence.h2.options} for why they matter).
   */
  public static JournalDatabase h2File(Path dataDirectory, String fileName, String options) {
    String base = "jdbc:h2:file:" + dataDirectory.toAbsolutePath().normalize().resolve(fileName);
    String url = options == null || options.isBlank() ? base : base + ";" + options;
    return new JournalDatabase(Dialect.H2, url, "sa", "");
  }

  /**
   * A database reached at {@code url}; the dialect follows from the URL. An H2 database reached
   * without a user is reached as {@code sa}, the user an embedded journal is created with.
   */
  public static JournalDatabase of(String url, String user, String password) {
    Dialect dialect = Dialect.ofUrl(url);
    boolean noUser = user == null || user.isBlank();
    return new JournalDatabase(
        dialect, url, noUser && dialect == Dialect.H2 ? "sa" : user, password);
  }

  /** Leaves the password out, so that printing or logging the record reveals nothing. */
  @Override
  public String toString() {
    return "JournalDatabase[dialect=" + dialect + ", url=" + displayUrl() + ", user=" + user + "]";
  }

  /** The URL without credentials or options, for logs. */
  public String displayUrl() {
    int options = url.indexOf(';');
    int query = url.indexOf('?');
    int cut = options >= 0 ? options : (query >= 0 ? query : url.length());
    return url.substring(0, cut);
  }
}
