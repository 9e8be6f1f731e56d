package dev.lattice.orchestrator.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** What to plan or run: the options of {@code plan} and {@code execute}. */
final class RequestOptions {
  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  static final class Source {
    @Option(
        names = "--intent",
        paramLabel = "NAME",
        description = "A plan template, e.g. indexing or code-build-test.")
    String intent;

    @Option(
        names = "--plan",
        paramLabel = "FILE",
        description = "A file holding an explicit plan (JSON; - for stdin).")
    String planFile;

    @Option(names = "--workflow", paramLabel = "ID", description = "A saved workflow.")
    String workflow;

    @Option(
        names = "--goal",
        paramLabel = "TEXT",
        description = "What to achieve, in words: a planner model writes the plan.")
    String goal;

    @Option(
        names = "--request",
        paramLabel = "FILE",
        description = "A file holding a whole request body (JSON; - for stdin).")
    String requestFile;
  }

  @Option(
      names = "--payload",
      paramLabel = "JSON",
      description = "The run's input: JSON, or @FILE to read it from a file.")
  String payload;

  @Option(names = "--tenant", paramLabel = "TENANT", description = "The tenant (default: default).")
  String tenant;

  @Option(
      names = "--mode",
      paramLabel = "MODE",
      description =
          "auto (default), strict, dry-run, or approve (a goal's plan waits for approval).")
  String mode;

  @Option(
      names = "--replans",
      paramLabel = "N",
      description = "With --goal: new plans the run may ask for when a step fails for good.")
  Integer replans;

  /** The request body these options describe. */
  ObjectNode body() {
    ObjectNode body;
    if (source.requestFile != null) {
      JsonNode whole = readJson(text(source.requestFile), "--request");
      if (!(whole instanceof ObjectNode object)) {
        throw new CliException("--request must hold a JSON object", CliException.REFUSED);
      }
      body = object;
    } else {
      body = ApiClient.MAPPER.createObjectNode();
      if (source.intent != null) {
        body.put("intent", source.intent);
      } else if (source.workflow != null) {
        body.put("workflow", source.workflow);
      } else if (source.goal != null) {
        body.put("goal", source.goal);
      } else {
        body.set("plan", readJson(text(source.planFile), "--plan"));
      }
    }
    if (payload != null) {
      body.set("payload", jsonArgument(payload, "--payload"));
    }
    if (tenant != null) {
      body.put("tenant", tenant);
    }
    if (mode != null) {
      body.put("mode", mode);
    }
    if (replans != null) {
      body.put("replans", replans);
    }
    return body;
  }

  /** An option's JSON value: inline, or {@code @FILE}, or {@code @-} for standard input. */
  static JsonNode jsonArgument(String value, String option) {
    return readJson(value.startsWith("@") ? text(value.substring(1)) : value, option);
  }

  /** The contents of {@code file}, or of standard input for {@code -}. */
  private static String text(String file) {
    try {
      return "-".equals(file)
          ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
          : Files.readString(Path.of(file));
    } catch (IOException e) {
      throw new CliException("cannot read " + file + ": " + e.getMessage(), CliException.REFUSED);
    }
  }

  /** {@code text} as JSON, or a clear error naming the option it came from. */
  private static JsonNode readJson(String text, String option) {
    try {
      return ApiClient.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new CliException(
          option + " is not valid JSON: " + e.getOriginalMessage(), CliException.REFUSED);
    }
  }
}
