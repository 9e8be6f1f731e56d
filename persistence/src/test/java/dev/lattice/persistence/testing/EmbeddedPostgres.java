package dev.lattice.persistence.testing;

import dev.lattice.persistence.journal.JournalDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server that tests start by themselves: its binaries come from a test dependency
 * (see {@link PostgresBinaries}), its data lives in a new temporary directory, and it listens on a
 * free loopback port. Each test (or test class) takes a fresh database of its own with {@link
 * #createDatabase()}, owned by an ordinary role with a password, which is all a Lattice node needs
 * of the database. {@link #shared()} starts one server per JVM, stopped when the JVM exits.
 */
public final class EmbeddedPostgres implements AutoCloseable {
  private static final Duration PROGRAM_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(50);

  /** Another process may take the free port before the server binds it; then it tries another. */
  private static final int START_ATTEMPTS = 3;

  private static final String SUPERUSER = "postgres";

  /** The role of the tests' nodes: it owns their databases, nothing more. */
  private static final String ROLE = "lattice";

  private static EmbeddedPostgres shared;

  private final Path directory;
  private final Path bin;
  private final ServerUser user;
  private final Process server;
  private final int port;
  private final String superuserPassword;
  private final String rolePassword = secret();
  private final AtomicInteger databases = new AtomicInteger();

  private EmbeddedPostgres(
      Path directory,
      Path bin,
      ServerUser user,
      Process server,
      int port,
      String superuserPassword) {
    this.directory = directory;
    this.bin = bin;
    this.user = user;
    this.server = server;
    this.port = port;
    this.superuserPassword = superuserPassword;
  }

  /** The server of this JVM, started on first use and stopped when the JVM exits. */
  public static synchronized EmbeddedPostgres shared() {
    if (shared == null) {
      EmbeddedPostgres server = start();
      Runtime.getRuntime().addShutdownHook(new Thread(server::close, "embedded-postgres-stop"));
      shared = server;
    }
    return shared;
  }

  /** Starts a server in a new temporary directory; {@link #close()} stops it and deletes it. */
  public static EmbeddedPostgres start() {
    return start(null, null);
  }

  /**
   * Starts a server as {@link #start()} does that also takes TLS connections ({@code ssl=on}),
   * presenting the certificate chain of {@code certificate} (PEM) with the key of {@code
   * privateKey} (PEM). Clients that do not ask for TLS still get in, as with PostgreSQL's default
   * {@code pg_hba.conf}.
   */
  public static EmbeddedPostgres startWithTls(Path certificate, Path privateKey) {
    return start(certificate, privateKey);
  }

  private static EmbeddedPostgres start(Path certificate, Path privateKey) {
    Path directory;
    try {
      directory = Files.createTempDirectory("lattice-postgres-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      ServerUser user = ServerUser.forThisProcess();
      Path bin = PostgresBinaries.unpack(directory.resolve("pgsql"));
      user.own(directory);
      Path data = directory.resolve("data");
      String superuserPassword = secret();
      initdb(user, bin, directory, data, superuserPassword);
      List<String> options =
          certificate == null ? List.of() : tls(user, directory, certificate, privateKey);
      for (int attempt = 1; ; attempt++) {
        int port = FreePorts.next();
        Process server = launch(user, bin, directory, data, port, options);
        EmbeddedPostgres postgres =
            new EmbeddedPostgres(directory, bin, user, server, port, superuserPassword);
        if (postgres.awaitReady()) {
          try {
            postgres.createRole();
          } catch (RuntimeException e) {
            postgres.close();
            throw e;
          }
          return postgres;
        }
        if (attempt == START_ATTEMPTS) {
          throw new IllegalStateException(
              "PostgreSQL did not start; its log:\n" + read(directory.resolve("postgres.log")));
        }
      }
    } catch (RuntimeException e) {
      delete(directory);
      throw e;
    }
  }

  /** A new, empty database owned by the tests' role, and how a node reaches it. */
  public JournalDatabase createDatabase() {
    return create("");
  }

  /**
   * A new, empty database like {@link #createDatabase()}, whose text sorts by the rules of the ICU
   * locale {@code icuLocale} (e.g. {@code en-US}), as a production server's often does; the
   * server's own databases compare text by code point.
   */
  public JournalDatabase createDatabaseSorting(String icuLocale) {
    return create(
        " TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE '" + icuLocale + "' LOCALE 'C'");
  }

  private JournalDatabase create(String options) {
    String name = "lattice_" + databases.incrementAndGet();
    execute("CREATE DATABASE \"" + name + "\" OWNER \"" + ROLE + "\"" + options);
    return JournalDatabase.of(url(name), ROLE, rolePassword);
  }

  /** Stops the server (fast shutdown: open sessions are ended) and deletes its directory. */
  @Override
  public synchronized void close() {
    if (server.isAlive()) {
      try {
        run(
            user,
            List.of(
                bin.resolve("pg_ctl").toString(),
                "stop",
                "-D",
                directory.resolve("data").toString(),
                "-m",
                "fast",
                "-w",
                "-t",
                Long.toString(STOP_TIMEOUT.toSeconds())),
            directory.resolve("pg_ctl.log"));
      } catch (RuntimeException e) {
        // Stopped below in any case; its log tells why pg_ctl could not.
      }
      stop(server);
    }
    delete(directory);
  }

  private static void initdb(
      ServerUser user, Path bin, Path directory, Path data, String superuserPassword) {
    Path passwordFile = directory.resolve("superuser-password");
    try {
      Files.writeString(passwordFile, superuserPassword);
      user.own(passwordFile);
      run(
          user,
          List.of(
              bin.resolve("initdb").toString(),
              "-D",
              data.toString(),
              "-U",
              SUPERUSER,
              "--pwfile=" + passwordFile,
              // Connections must give a password, as they would to a production server.
              "-A",
              "scram-sha-256",
              "-E",
              "UTF8",
              "--locale=C",
              "--no-sync",
              "--no-instructions"),
          directory.resolve("initdb.log"));
      Files.delete(passwordFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The server's options for TLS with copies of {@code certificate} and {@code privateKey} that it
   * owns: PostgreSQL refuses a key file that others may read.
   */
  private static List<String> tls(
      ServerUser user, Path directory, Path certificate, Path privateKey) {
    try {
      Path chain = Files.copy(certificate, directory.resolve("server.crt"));
      Path key = Files.copy(privateKey, directory.resolve("server.key"));
      Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
      user.own(chain);
      user.own(key);
      return List.of("-c", "ssl=on", "-c", "ssl_cert_file=" + chain, "-c", "ssl_key_file=" + key);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Process launch(
      ServerUser user, Path bin, Path directory, Path data, int port, List<String> options) {
    List<String> program = new ArrayList<>();
    program.addAll(
        List.of(
            bin.resolve("postgres").toString(),
            "-D",
            data.toString(),
            "-p",
            Integer.toString(port),
            "-c",
            "listen_addresses=127.0.0.1",
            // TCP only: a socket file would need a directory the server may write to.
            "-c",
            "unix_socket_directories=",
            // The tests kill Lattice nodes, never this server, so what it has not flushed to disk
            // is never lost; not flushing spares the disk of a machine that runs a whole build.
            "-c",
            "fsync=off"));
    program.addAll(options);
    ProcessBuilder builder =
        new ProcessBuilder(user.command(program))
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(directory.resolve("postgres.log").toFile()));
    builder.environment().put("LC_ALL", "C");
    try {
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start PostgreSQL", e);
    }
  }

  /** Waits until the server takes connections; false if it exited first (its port was taken). */
  private boolean awaitReady() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      try (Connection c = admin()) {
        return true;
      } catch (SQLException notYet) {
        if (!server.isAlive()) {
          return false;
        }
        if (System.nanoTime() > deadline) {
          stop(server);
          throw new IllegalStateException(
              "PostgreSQL took no connections within " + START_TIMEOUT, notYet);
        }
        LockSupport.parkNanos(POLL_INTERVAL.toNanos());
      }
    }
  }

  private void createRole() {
    execute("CREATE ROLE \"" + ROLE + "\" LOGIN PASSWORD '" + rolePassword + "'");
  }

  private void execute(String sql) {
    try (Connection c = admin();
        Statement statement = c.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot run '" + sql + "' on the test server", e);
    }
  }

  private Connection admin() throws SQLException {
    return DriverManager.getConnection(url("postgres"), SUPERUSER, superuserPassword);
  }

  private String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** Runs one of the server's programs to its end, its output into {@code log}. */
  private static void run(ServerUser user, List<String> program, Path log) {
    try {
      Process process =
          new ProcessBuilder(user.command(program))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      if (!process.waitFor(PROGRAM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(program.get(0) + " did not end within " + PROGRAM_TIMEOUT);
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            program.get(0) + " failed with exit code " + process.exitValue() + ":\n" + read(log));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + program.get(0), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Ends {@code process} if it is still running, at once if it does not end when asked. */
  private static void stop(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static String secret() {
    byte[] bytes = new byte[16];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static String read(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log) : "(no log)";
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  private static void delete(Path directory) {
    List<Path> paths = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(directory)) {
      walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
    } catch (IOException e) {
      return;
    }
    for (Path path : paths) {
      try {
        Files.deleteIfExists(path);
      } catch (IOException e) {
        // Left in the temporary directory; nothing depends on it being gone.
      }
    }
  }
}
