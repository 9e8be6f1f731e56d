package dev.lattice.modelserver.script;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the scripted model server answers: its entries in order, the models it lists, and its rate
 * limits. A script is a JSON file (docs/agents.md) or built in code with {@link #of}.
 *
 * @param models models {@code GET /v1/models} lists, besides those the entries' matches name
 * @param rateLimits limits over all requests; absent for none
 * @param modelRateLimits limits per model, besides the server's
 * @param entries the answers, considered in order for every request
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Script(
    List<String> models,
    RateLimits rateLimits,
    Map<String, RateLimits> modelRateLimits,
    List<ScriptEntry> entries) {

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public Script {
    models = models == null ? List.of() : List.copyOf(models);
    modelRateLimits = modelRateLimits == null ? Map.of() : Map.copyOf(modelRateLimits);
    entries = entries == null ? List.of() : List.copyOf(entries);
  }

  public static Script of(ScriptEntry... entries) {
    return new Script(List.of(), null, Map.of(), Arrays.asList(entries));
  }

  public static Script fromJson(String json) {
    try {
      return MAPPER.readValue(json, Script.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a valid script: " + e.getOriginalMessage(), e);
    }
  }

  public static Script fromJson(Path file) {
    try {
      return fromJson(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the script " + file, e);
    }
  }

  /** The example script shipped with the server (a short "summarise" and "review" exchange). */
  public static Script example() {
    String name = "/dev/lattice/modelserver/example-script.json";
    try (InputStream in = Script.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the example script " + name + " is missing");
      }
      return MAPPER.readValue(in, Script.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the example script", e);
    }
  }

  public Script withModels(String... names) {
    return new Script(Arrays.asList(names), rateLimits, modelRateLimits, entries);
  }

  public Script withRateLimits(RateLimits limits) {
    return new Script(models, limits, modelRateLimits, entries);
  }

  public Script withModelRateLimits(String model, RateLimits limits) {
    Map<String, RateLimits> all = new HashMap<>(modelRateLimits);
    all.put(model, limits);
    return new Script(models, rateLimits, all, entries);
  }

  /** The script as JSON, as {@link #fromJson(String)} reads it. */
  public String toJson() {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a script always serialises", e);
    }
  }

  /** Every model the server lists: the declared ones, then those named by matches and limits. */
  public List<String> listedModels() {
    Set<String> names = new LinkedHashSet<>(models);
    for (ScriptEntry entry : entries) {
      if (entry.match() != null && entry.match().model() != null) {
        names.add(entry.match().model());
      }
    }
    names.addAll(modelRateLimits.keySet());
    return new ArrayList<>(names);
  }
}
