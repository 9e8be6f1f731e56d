package dev.lattice.orchestrator.cli;

import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lattice} command. */
@Command(
    name = "lattice",
    mixinStandardHelpOptions = true,
    versionProvider = LatticeMain.Version.class,
    description = "Durable orchestration runtime for multi-agent work.",
    subcommands = {
      UpCommand.class,
      SeedCommand.class,
      JoinCommand.class,
      PlanCommand.class,
      ExecuteCommand.class,
      EventsCommand.class,
      RunsCommand.class,
      RunCommand.class,
      AuditCommand.class,
      LogsCommand.class,
      InterventionCommand.Pause.class,
      InterventionCommand.Resume.class,
      InterventionCommand.Cancel.class,
      InterventionCommand.Signal.class,
      InterventionCommand.OverrideStep.class,
      InterventionCommand.RetryStep.class,
      StateCommand.class,
      AgentsCommand.class,
      AgentCommand.class,
      SessionsCommand.class,
      KeysCommand.class,
      UiCommand.class,
      ModelServerSubcommand.class
    })
public final class LatticeMain {

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code. */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  /** The command line with every subcommand, ready to parse or execute arguments. */
  static CommandLine commandLine() {
    CommandLine line = new CommandLine(new LatticeMain());
    for (LatticeSubcommand extra : ServiceLoader.load(LatticeSubcommand.class)) {
      line.addSubcommand(extra);
    }
    // Options read @FILE themselves (--payload @FILE, --input, --output, --data); picocli's own
    // argument files would otherwise read the file's JSON as more arguments.
    line.setExpandAtFiles(false);
    line.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          cmd.getErr().println("lattice: " + (e.getMessage() == null ? e : e.getMessage()));
          return 1;
        });
    return line;
  }

  /** The version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = LatticeMain.class.getPackage().getImplementationVersion();
      return new String[] {"lattice " + (version == null ? "(development build)" : version)};
    }
  }
}
