package dev.lattice.modelserver;

import com.typesafe.config.ConfigFactory;
import dev.lattice.modelserver.script.Script;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * The scripted model server as a command: {@code --script FILE}, {@code --port N}, {@code --host
 * H}, {@code --api-key-env NAME}. It prints where it listens and runs until the JVM is told to stop
 * (SIGTERM, Ctrl-C). A CLI subcommand builds {@link ModelServerOptions} and calls {@link #run};
 * nothing here exits the JVM.
 */
public final class ModelServerCommand {

  private static final String USAGE =
      "usage: model-server [--script FILE] [--host HOST] [--port N] [--api-key-env NAME]";

  private ModelServerCommand() {}

  public static void main(String[] args) throws InterruptedException {
    Optional<ModelServerOptions> options = parse(args, System.err);
    if (options.isPresent()) {
      run(options.get(), System.getenv(), System.out);
    }
  }

  /**
   * Starts the server, prints one line saying where it listens, and blocks until the JVM shuts
   * down, then stops the server.
   *
   * @param environment where {@code apiKeyEnv} is looked up
   * @param out where the line goes
   * @throws IllegalArgumentException when the key's variable is unset or the script is invalid
   */
  public static void run(
      ModelServerOptions options, Map<String, String> environment, PrintStream out)
      throws InterruptedException {
    ScriptedModelServer server = start(options, environment);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.close();
                  } finally {
                    stopped.countDown();
                  }
                },
                "model-server-shutdown"));
    out.println(describe(server, options));
    stopped.await();
  }

  /** Starts the server the options describe; the caller closes it. */
  public static ScriptedModelServer start(
      ModelServerOptions options, Map<String, String> environment) {
    ModelServerSettings settings = ModelServerSettings.create(ConfigFactory.load());
    settings = options.host().map(settings::withHost).orElse(settings);
    settings = options.port().map(settings::withPort).orElse(settings);
    if (options.apiKeyEnv().isPresent()) {
      String name = options.apiKeyEnv().get();
      String key = environment.get(name);
      if (key == null || key.isEmpty()) {
        throw new IllegalArgumentException("the environment variable " + name + " is not set");
      }
      settings = settings.withApiKey(key);
    }
    Script script = options.script().map(Script::fromJson).orElseGet(Script::example);
    return ScriptedModelServer.start(script, settings);
  }

  /** The line the command prints: where, which protocols, whether a key is needed (never which). */
  static String describe(ScriptedModelServer server, ModelServerOptions options) {
    String script = options.script().map(Path::toString).orElse("the example script");
    String auth = options.apiKeyEnv().map(n -> "key from $" + n).orElse("no key needed");
    return "Scripted model server on "
        + server.baseUrl()
        + " (OpenAI: POST /v1/chat/completions, GET /v1/models; Anthropic: POST /v1/messages),"
        + " answering from "
        + script
        + ", "
        + auth;
  }

  /** The options of {@code args}, or empty after printing what is wrong to {@code err}. */
  static Optional<ModelServerOptions> parse(String[] args, PrintStream err) {
    ModelServerOptions options = ModelServerOptions.defaults();
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        err.println("missing a value after " + flag + "\n" + USAGE);
        return Optional.empty();
      }
      String value = args[++i];
      switch (flag) {
        case "--script" -> options = options.withScript(Path.of(value));
        case "--host" -> options = options.withHost(value);
        case "--port" -> {
          if (!value.matches("\\d+")) {
            err.println("--port needs a number, not " + value + "\n" + USAGE);
            return Optional.empty();
          }
          options = options.withPort(Integer.parseInt(value));
        }
        case "--api-key-env" -> options = options.withApiKeyEnv(value);
        default -> {
          err.println("unknown option " + flag + "\n" + USAGE);
          return Optional.empty();
        }
      }
    }
    return Optional.of(options);
  }
}
