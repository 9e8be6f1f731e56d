package dev.lattice.orchestrator.http;

import java.io.IOException;
import java.io.InputStream;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/v1/openapi.yaml}: the API's machine-readable contract, the bytes of {@code
 * docs/openapi.yaml}, which the build copies into the jar beside this class.
 */
final class OpenApiRoutes extends AllDirectives {
  static final String RESOURCE = "openapi.yaml";
  static final ContentType.WithFixedCharset YAML =
      MediaTypes.applicationWithFixedCharset("yaml", HttpCharsets.UTF_8).toContentType();

  private final byte[] description;

  OpenApiRoutes() {
    this.description = read();
  }

  /** The route under {@code /api/v1}. */
  Route api() {
    return path(
        RESOURCE,
        () ->
            get(
                () ->
                    complete(
                        HttpResponse.create().withEntity(HttpEntities.create(YAML, description)))));
  }

  private static byte[] read() {
    try (InputStream in = OpenApiRoutes.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            RESOURCE + " is missing from the classpath; the build copies it from docs/");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + RESOURCE, e);
    }
  }
}
