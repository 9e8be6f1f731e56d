package dev.lattice.persistence.journal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.h2.api.ErrorCode;

/**
 * Prepares the database of a journal server before the server lets anyone in: opened in this
 * process (embedded), as its administrator, it is created if it does not exist, migrated, and given
 * a member user that is not an administrator and may only read and write the journal's tables.
 *
 * <p>The administrator's password never leaves the data directory: clients of the server would
 * otherwise be able to run Java in the hosting process ({@code CREATE ALIAS}, which H2 allows
 * administrators only). Both passwords are generated on the first start and kept in owner-only
 * files. A database created before the server had passwords (administrator {@code SA} with an empty
 * password) gets its administrator password on the next start, so existing data stays reachable.
 */
public final class JournalServerSetup {
  /** H2's administrator, the user an embedded journal was always created with. */
  static final String ADMIN = "SA";

  /** The administrator's password, read by nobody but the hosting process. */
  static final String ADMIN_PASSWORD_FILE = "journal-admin.password";

  /** The member user's password, which members read (see {@code lattice join}). */
  public static final String MEMBER_PASSWORD_FILE = "journal-member.password";

  /** H2 upper-cases the user name a client gives, so a user name must be a plain identifier. */
  private static final Pattern USER_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final Path dataDirectory;
  private final String fileName;
  private final String options;

  /**
   * @param dataDirectory where the database file and the password files live
   * @param fileName the database's file name, without {@code .mv.db}
   * @param options the H2 options the database is opened with (see {@code
   *     lattice.persistence.h2.options})
   */
  public JournalServerSetup(Path dataDirectory, String fileName, String options) {
    this.dataDirectory = dataDirectory.toAbsolutePath().normalize();
    this.fileName = fileName;
    this.options = options;
  }

  /**
   * Creates or upgrades the database and its member user {@code memberUser}; returns what members
   * connect with. Call it before the server starts, and while no other process has the database
   * open.
   *
   * @throws IllegalStateException if the database cannot be opened as its administrator
   */
  public JournalCredentials prepare(String memberUser) {
    if (!USER_NAME.matcher(memberUser).matches()) {
      throw new IllegalArgumentException(
          "the journal's member user must be a plain name (letters, digits, _), not '"
              + memberUser
              + "'");
    }
    String adminPassword = SecretFile.readOrCreate(dataDirectory.resolve(ADMIN_PASSWORD_FILE));
    Path memberFile = dataDirectory.resolve(MEMBER_PASSWORD_FILE);
    String memberPassword = SecretFile.readOrCreate(memberFile);
    try (Connection admin = openAsAdmin(adminPassword)) {
      SchemaMigrations.migrate(admin());
      createMember(admin, memberUser, memberPassword);
      grantTables(admin, memberUser);
      // Closes the database, so that the server opens it afresh with the hosting node's options.
      try (Statement statement = admin.createStatement()) {
        statement.execute("SHUTDOWN");
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot prepare the journal in " + dataDirectory + ": " + e.getMessage(), e);
    }
    return new JournalCredentials(memberUser, memberPassword, memberFile);
  }

  /** The administrator's password, once {@link #prepare} has set it. */
  String adminPassword() {
    return SecretFile.read(dataDirectory.resolve(ADMIN_PASSWORD_FILE));
  }

  private JournalDatabase admin() {
    return new JournalDatabase(JournalDatabase.Dialect.H2, embeddedUrl(), ADMIN, adminPassword());
  }

  private String embeddedUrl() {
    return JournalDatabase.h2File(dataDirectory, fileName, options).url();
  }

  /**
   * A connection as the administrator. A database from before passwords is opened with the empty
   * password once, and given {@code password} (the file holding it was written first, so a crash in
   * between leaves both ways in open for the next try).
   */
  private Connection openAsAdmin(String password) throws SQLException {
    try {
      return DriverManager.getConnection(embeddedUrl(), ADMIN, password);
    } catch (SQLException wrongPassword) {
      if (wrongPassword.getErrorCode() != ErrorCode.WRONG_USER_OR_PASSWORD || !databaseExists()) {
        throw wrongPassword;
      }
      Connection legacy;
      try {
        legacy = DriverManager.getConnection(embeddedUrl(), ADMIN, "");
      } catch (SQLException stillWrong) {
        throw new IllegalStateException(
            "cannot open the journal in "
                + dataDirectory
                + " as its administrator: the password in "
                + ADMIN_PASSWORD_FILE
                + " is not the database's",
            stillWrong);
      }
      try (PreparedStatement statement =
          legacy.prepareStatement("ALTER USER " + ADMIN + " SET PASSWORD ?")) {
        statement.setString(1, password);
        statement.execute();
      } catch (SQLException e) {
        legacy.close();
        throw e;
      }
      return legacy;
    }
  }

  private boolean databaseExists() {
    return Files.exists(dataDirectory.resolve(fileName + ".mv.db"));
  }

  /** The member user, not an administrator, with the password of its file. */
  private static void createMember(Connection admin, String user, String password)
      throws SQLException {
    // Unquoted, as a client's user name is: H2 upper-cases both.
    String quoted = user;
    try (PreparedStatement create =
        admin.prepareStatement("CREATE USER IF NOT EXISTS " + quoted + " PASSWORD ?")) {
      create.setString(1, password);
      create.execute();
    }
    // Prepared only now: H2 looks the user up when it parses the statement. The user may have
    // been there before, with another password (its file was deleted).
    try (PreparedStatement setPassword =
            admin.prepareStatement("ALTER USER " + quoted + " SET PASSWORD ?");
        Statement notAdmin = admin.createStatement()) {
      setPassword.setString(1, password);
      setPassword.execute();
      notAdmin.execute("ALTER USER " + quoted + " ADMIN FALSE");
    }
  }

  /**
   * Rows of every journal table, and nothing else: no table can be created, altered or dropped, no
   * function defined. Flyway's history is read only (members check the schema is this version's).
   * Granted on every start, so that tables a migration added are covered too.
   */
  private static void grantTables(Connection admin, String user) throws SQLException {
    List<String> tables = new ArrayList<>();
    try (Statement statement = admin.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES"
                    + " WHERE TABLE_SCHEMA = 'PUBLIC' AND TABLE_TYPE = 'BASE TABLE'")) {
      while (rows.next()) {
        tables.add(rows.getString(1));
      }
    }
    try (Statement statement = admin.createStatement()) {
      for (String table : tables) {
        String rights =
            table.equals(SchemaMigrations.HISTORY_TABLE)
                ? "SELECT"
                : "SELECT, INSERT, UPDATE, DELETE";
        statement.execute("GRANT " + rights + " ON " + quote(table) + " TO " + user);
      }
    }
  }

  private static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }
}
