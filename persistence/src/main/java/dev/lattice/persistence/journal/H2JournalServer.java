package dev.lattice.persistence.journal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.h2.engine.SysProperties;
import org.h2.tools.Server;

/**
 * An H2 TCP server for a journal that the nodes of a cluster on one machine (or a trusted network)
 * share: the seed node hosts it, and every node, the seed included, reaches the journal through it,
 * so that one process owns the database file.
 *
 * <p>Clients connect as the member user, which may read and write the journal's rows and nothing
 * else; the administrator's password stays in the data directory (see {@link JournalServerSetup}).
 * The server opens no database but the journal ({@code -ifExists}), and listens on the given
 * address only; other hosts may connect only when that address is not a loopback one. It is meant
 * for local clusters and tests, and PostgreSQL for anything else.
 *
 * <p>Over TLS ({@code -tcpSSL}), clients connect with {@code jdbc:h2:ssl://}. H2 takes no TLS
 * settings of its own: its server presents the key of the JVM's default TLS context, and its
 * clients trust what that context trusts, so the caller sets that context up first. The server does
 * not ask clients for certificates; they prove who they are with the member user's password.
 */
public final class H2JournalServer implements AutoCloseable {
  /** The system property H2 reads, once per JVM, for the address its servers bind to. */
  static final String BIND_ADDRESS_PROPERTY = "h2.bindAddress";

  private final Server server;
  private final boolean tls;
  private final String host;
  private final String fileName;
  private final JournalCredentials member;
  private final Connection keeper;

  private H2JournalServer(
      Server server,
      boolean tls,
      String host,
      String fileName,
      JournalCredentials member,
      Connection keeper) {
    this.server = server;
    this.tls = tls;
    this.host = host;
    this.fileName = fileName;
    this.member = member;
    this.keeper = keeper;
  }

  /**
   * Prepares the journal file {@code fileName} under {@code dataDirectory} (see {@link
   * JournalServerSetup}) and starts a server for it, listening on {@code host}:{@code port} (0 for
   * any free port).
   *
   * @param options H2 options the database is opened with (they set, among others, the crash-safe
   *     write mode; see {@code lattice.persistence.h2.options})
   * @param memberUser the user members connect as
   * @param tls whether clients connect over TLS, with the JVM's default TLS context's key
   * @throws IllegalStateException if the server cannot start (the port is taken, say)
   */
  public static H2JournalServer start(
      String host,
      int port,
      Path dataDirectory,
      String fileName,
      String options,
      String memberUser,
      boolean tls) {
    bindTo(host);
    JournalServerSetup setup = new JournalServerSetup(dataDirectory, fileName, options);
    JournalCredentials member = setup.prepare(memberUser);
    List<String> args = new ArrayList<>();
    args.add("-tcpPort");
    args.add(Integer.toString(port));
    args.add("-baseDir");
    args.add(dataDirectory.toAbsolutePath().normalize().toString());
    // Otherwise any client could create a database (as its administrator) under the data
    // directory; the journal was created by the setup above.
    args.add("-ifExists");
    if (!isLoopback(host)) {
      args.add("-tcpAllowOthers");
    }
    if (tls) {
      args.add("-tcpSSL");
    }
    Server server;
    try {
      server = Server.createTcpServer(args.toArray(String[]::new)).start();
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot start the journal server on " + host + ":" + port + ": " + e.getMessage(), e);
    }
    try {
      // The first connection opens the database with the options, and holding it keeps the
      // database open while the server runs instead of closing and reopening it whenever the last
      // member's pool lets go.
      String url = scheme(tls) + host + ":" + server.getPort() + "/" + fileName;
      String withOptions = options == null || options.isBlank() ? url : url + ";" + options;
      Connection keeper =
          DriverManager.getConnection(withOptions, JournalServerSetup.ADMIN, setup.adminPassword());
      return new H2JournalServer(server, tls, host, fileName, member, keeper);
    } catch (SQLException e) {
      server.stop();
      throw new IllegalStateException("cannot open the journal server's database: " + e, e);
    }
  }

  /**
   * Makes H2's servers bind to {@code host} only. H2 2.4 has no server option for it, just a system
   * property that it reads when its settings class loads; the check below makes sure it was not
   * read before (with another address, or none: every interface).
   */
  private static void bindTo(String host) {
    System.setProperty(BIND_ADDRESS_PROPERTY, host);
    if (!Objects.equals(SysProperties.BIND_ADDRESS, host)) {
      throw new IllegalStateException(
          "cannot bind the journal server to "
              + host
              + ": H2 read "
              + BIND_ADDRESS_PROPERTY
              + " earlier in this JVM ("
              + SysProperties.BIND_ADDRESS
              + ")");
    }
  }

  /** The port the server listens on. */
  public int port() {
    return server.getPort();
  }

  /**
   * The JDBC URL through which nodes reach the journal. The database's settings (the write mode
   * among them) are its own, set when the server opened it: nodes need no options.
   */
  public String memberUrl() {
    return scheme(tls) + host + ":" + port() + "/" + fileName;
  }

  private static String scheme(boolean tls) {
    return tls ? "jdbc:h2:ssl://" : "jdbc:h2:tcp://";
  }

  /** The user, password and password file members connect with. */
  public JournalCredentials member() {
    return member;
  }

  @Override
  public void close() {
    try {
      keeper.close();
    } catch (SQLException e) {
      // The server stops anyway, and the database with it.
    }
    server.stop();
  }

  private static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
