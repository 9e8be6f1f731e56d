package dev.lattice.orchestrator.plan;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.plan.PlanSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Named plan templates: what an {@code intent} turns into. Templates are plans in the wire format,
 * whose inputs refer to the run payload with {@code ${payload...}} placeholders; the built-in ones
 * ship as resources and an operator can add more as {@code NAME.json} files in a directory.
 */
public final class TemplateRegistry {
  private final Map<String, PlanSpec> templates;

  private TemplateRegistry(Map<String, PlanSpec> templates) {
    // Sorted, so that the names are listed the same way in every error message.
    this.templates = Collections.unmodifiableSortedMap(new TreeMap<>(templates));
  }

  /**
   * Loads {@code builtIn} (name to classpath resource) and every {@code *.json} file of {@code
   * directory} (when not null), the latter overriding the former by name.
   *
   * @throws IllegalArgumentException if a template cannot be read or parsed
   */
  public static TemplateRegistry load(Map<String, String> builtIn, Path directory) {
    ObjectMapper json = LatticeJson.mapper();
    Map<String, PlanSpec> loaded = new TreeMap<>();
    builtIn.forEach((name, resource) -> loaded.put(name, readResource(json, name, resource)));
    if (directory != null) {
      try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.json")) {
        for (Path file : files) {
          String name = file.getFileName().toString().replaceFirst("\\.json$", "");
          loaded.put(name, read(json, name, Files.newInputStream(file)));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read templates from " + directory, e);
      }
    }
    return new TemplateRegistry(loaded);
  }

  private static PlanSpec readResource(ObjectMapper json, String name, String resource) {
    InputStream in = TemplateRegistry.class.getClassLoader().getResourceAsStream(resource);
    if (in == null) {
      throw new IllegalArgumentException("template '" + name + "': no resource " + resource);
    }
    return read(json, name, in);
  }

  private static PlanSpec read(ObjectMapper json, String name, InputStream in) {
    try (in) {
      return json.readValue(in, PlanSpec.class);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "template '" + name + "' is not a valid plan: " + e.getMessage(), e);
    }
  }

  public Optional<PlanSpec> find(String name) {
    return Optional.ofNullable(templates.get(name));
  }

  public Set<String> names() {
    return templates.keySet();
  }
}
