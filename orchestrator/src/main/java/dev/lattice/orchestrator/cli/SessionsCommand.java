package dev.lattice.orchestrator.cli;

import dev.lattice.protocol.session.SessionMessage;
import dev.lattice.protocol.session.SessionView;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lattice sessions show|forget NAME}: the sessions llm steps continue across runs. */
@Command(
    name = "sessions",
    mixinStandardHelpOptions = true,
    description = "Work with sessions: show one's messages, or forget it.",
    subcommands = {SessionsCommand.Show.class, SessionsCommand.Forget.class})
final class SessionsCommand {
  private static final int EXCERPT = 100;

  /** The options of both subcommands. */
  abstract static class OneSession extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The session.")
    String name;

    @Option(
        names = "--tenant",
        paramLabel = "TENANT",
        description = "The session's tenant (default: default).")
    String tenant;

    String path() {
      return "/api/v1/sessions/"
          + URLEncoder.encode(name, StandardCharsets.UTF_8)
          + (tenant == null ? "" : "?tenant=" + URLEncoder.encode(tenant, StandardCharsets.UTF_8));
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show a session: its summary, its messages in order, its counts and policy.")
  static final class Show extends OneSession {
    @Override
    int run(ApiClient api, PrintStream out) {
      SessionView session = api.get(path(), SessionView.class);
      if (json()) {
        out.println(ApiClient.pretty(session));
      } else {
        print(session, out);
      }
      return 0;
    }
  }

  @Command(
      name = "forget",
      mixinStandardHelpOptions = true,
      description = "Forget a session: a step naming it later begins it anew.")
  static final class Forget extends OneSession {
    @Override
    int run(ApiClient api, PrintStream out) {
      api.delete(path());
      out.println("session " + name + " forgotten");
      return 0;
    }
  }

  static void print(SessionView session, PrintStream out) {
    out.printf(
        "session %s  tenant %s  policy %s, %d messages%s%n",
        session.session(),
        session.tenant(),
        session.policy().policy().wire(),
        session.policy().maxMessages(),
        session.policy().summarises() ? " (keeps " + session.policy().keepMessages() + ")" : "");
    out.printf(
        "%d exchanges, %d messages appended (%d summarised, %d dropped), updated %s%n",
        session.exchanges(),
        session.appended(),
        session.summarised(),
        session.dropped(),
        session.updatedAt());
    if (session.summary() != null) {
      out.printf(
          "summary (messages before %d): %s%n",
          session.summary().covers(), excerpt(session.summary().content()));
    }
    for (SessionMessage message : session.messages()) {
      out.printf("%5d  %-9s  %s%n", message.seq(), message.role(), excerpt(message.content()));
    }
  }

  private static String excerpt(String text) {
    String line = text.replace('\n', ' ');
    return line.length() <= EXCERPT ? line : line.substring(0, EXCERPT - 1) + "…";
  }
}
