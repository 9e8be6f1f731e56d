package dev.lattice.persistence.journal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.h2.tools.Server;

/**
 * An H2 TCP server for a journal that the nodes of a cluster on one machine (or a trusted network)
 * share: the seed node hosts it, and every node, the seed included, reaches the journal through it,
 * so that one process owns the database file.
 *
 * <p>H2's server has no authentication beyond the database's own user and password, so it listens
 * on loopback unless told to bind another address; it is meant for local clusters and tests, and
 * PostgreSQL for anything else.
 */
public final class H2JournalServer implements AutoCloseable {
  private final Server server;
  private final String host;
  private final String fileName;
  private final String options;

  private H2JournalServer(Server server, String host, String fileName, String options) {
    this.server = server;
    this.host = host;
    this.fileName = fileName;
    this.options = options;
  }

  /**
   * Starts a server for the journal file {@code fileName} under {@code dataDirectory}, listening on
   * {@code host}:{@code port} (0 for any free port). The database is created by the first node that
   * connects.
   *
   * @param options H2 options every connection's URL carries (they set, among others, the
   *     crash-safe write mode; see {@code lattice.persistence.h2.options})
   * @throws IllegalStateException if the server cannot start (the port is taken, say)
   */
  public static H2JournalServer start(
      String host, int port, Path dataDirectory, String fileName, String options) {
    List<String> args = new ArrayList<>();
    args.add("-tcpPort");
    args.add(Integer.toString(port));
    args.add("-baseDir");
    args.add(dataDirectory.toAbsolutePath().normalize().toString());
    // A remote client may not create a database otherwise; the journal is created on first use.
    args.add("-ifNotExists");
    if (!isLoopback(host)) {
      args.add("-tcpAllowOthers");
    }
    try {
      Server server = Server.createTcpServer(args.toArray(String[]::new)).start();
      return new H2JournalServer(server, host, fileName, options);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot start the journal server on " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  /** The port the server listens on. */
  public int port() {
    return server.getPort();
  }

  /**
   * The JDBC URL through which other nodes reach the journal. The database's settings (the write
   * mode among them) are its own, set by the first connection, the hosting node's: other nodes need
   * no options.
   */
  public String memberUrl() {
    return "jdbc:h2:tcp://" + host + ":" + port() + "/" + fileName;
  }

  /** The JDBC URL through which the hosting node reaches the journal, with every option. */
  public String url() {
    // Kept open while the server runs, instead of being closed and reopened whenever the last
    // connection of a pool goes.
    return memberUrl()
        + ";DB_CLOSE_DELAY=-1"
        + (options == null || options.isBlank() ? "" : ";" + options);
  }

  @Override
  public void close() {
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
