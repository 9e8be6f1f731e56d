package dev.lattice.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad options of {@code lattice seed} and {@code lattice join}: one line, usage exit code, no node.
 */
class ClusterCommandsTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "join --seed 127.0.0.1:2552 | a member needs the cluster's shared journal",
        "join --seed nowhere --journal jdbc:h2:tcp://127.0.0.1:9092/lattice | --seed takes HOST:PORT",
        "join --seed 127.0.0.1:2552 --journal jdbc:h2:tcp://h/l --roles boss | --roles takes"
            + " orchestrator and/or worker, not 'boss'",
        "join --seed 127.0.0.1:2552 --journal jdbc:h2:tcp://127.0.0.1:9092/lattice | a member of a"
            + " seed's journal server needs its user and password: --journal-user lattice"
            + " --journal-password-file",
        "join --seed 127.0.0.1:2552 --journal jdbc:h2:tcp://h/l --journal-user lattice"
            + " --journal-password-file /nonexistent/journal-member.password |"
            + " --journal-password-file: cannot read /nonexistent/journal-member.password",
        "seed --journal-server --journal jdbc:h2:tcp://h/l | --journal-server and --journal exclude",
        "seed --cluster-key-store /nonexistent/node.p12 | --cluster-key-store: cannot read"
            + " /nonexistent/node.p12",
        "join --seed 127.0.0.1:2552 --journal jdbc:h2:ssl://h/l --cluster-trust-store"
            + " /nonexistent/truststore.p12 | --cluster-trust-store: cannot read",
        "seed --remote 2552 | --remote takes HOST:PORT",
        "join | Missing required option: '--seed"
      })
  void isRefusedWithAUsageError(String commandLine, String message) {
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      exit = LatticeMain.run(commandLine.split(" "));
    } finally {
      System.setErr(original);
    }
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains(message);
  }
}
