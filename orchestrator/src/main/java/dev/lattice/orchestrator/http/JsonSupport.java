package dev.lattice.orchestrator.http;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.lattice.protocol.json.LatticeJson;
import java.io.IOException;
import java.util.Collection;
import org.apache.pekko.http.javadsl.marshalling.Marshaller;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/** JSON in and out of the API, with the public mapper; request errors become problems. */
final class JsonSupport {
  static final ContentType.WithFixedCharset PROBLEM_JSON =
      MediaTypes.applicationWithFixedCharset("problem+json", HttpCharsets.UTF_8).toContentType();
  static final ContentType.WithFixedCharset NDJSON =
      MediaTypes.applicationWithFixedCharset("x-ndjson", HttpCharsets.UTF_8).toContentType();

  private static final ObjectMapper MAPPER = LatticeJson.mapper();

  /** Where Jackson says a limit comes from: its own API, which means nothing to a client. */
  private static final String CONSTRAINT_SOURCE = ",? from `StreamReadConstraints\\.\\w+\\(\\)`";

  /** Jackson's note that it leaves the source out of a location, which says nothing to a client. */
  private static final String REDACTED_SOURCE =
      "\\[Source: REDACTED \\(`\\w+\\.\\w+` disabled\\); ";

  private JsonSupport() {}

  /** Any response body as {@code application/json}. */
  static <T> Marshaller<T, RequestEntity> json() {
    return Marshaller.withFixedContentType(
        ContentTypes.APPLICATION_JSON,
        value -> HttpEntities.create(ContentTypes.APPLICATION_JSON, bytes(value)));
  }

  /** A problem as {@code application/problem+json}. */
  static HttpEntity.Strict problemEntity(Problem problem) {
    return HttpEntities.create(PROBLEM_JSON, bytes(problem));
  }

  static byte[] bytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
    }
  }

  /**
   * A request body of {@code type}, which must be {@code application/json}, read by {@code reader}
   * (the public mapper within the node's {@link JsonLimits}); anything the mapper rejects becomes a
   * {@link ProblemException} naming the offending field.
   */
  static <T> Unmarshaller<HttpEntity, T> body(Class<T> type, ObjectMapper reader) {
    return Unmarshaller.forMediaType(MediaTypes.APPLICATION_JSON, Unmarshaller.entityToByteString())
        .thenApply(bytes -> parse(bytes.toArray(), type, reader));
  }

  /**
   * Exactly one JSON document of {@code type}: anything after it but whitespace (a second document,
   * a stray bracket, a NUL) makes the body malformed, so that what a client sent is never
   * half-read. The document is read whole before it is mapped, so that broken JSON is reported as
   * such even where its first part would already be a wrong value.
   */
  static <T> T parse(byte[] body, Class<T> type, ObjectMapper reader) {
    JsonNode document;
    try (JsonParser parser = reader.createParser(body)) {
      // The trailing data is checked below, so that it is reported as malformed JSON rather than
      // as a mapping error.
      document =
          reader.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(parser);
      if (document == null) {
        throw new ProblemException(Problem.Kind.MALFORMED_JSON.with("the request body is empty"));
      }
      if (parser.nextToken() != null) {
        throw new ProblemException(
            Problem.Kind.MALFORMED_JSON.with(
                "unexpected data after the JSON document" + location(parser.currentLocation())));
      }
    } catch (IOException e) {
      throw new ProblemException(problemOf(e));
    }
    if (!document.isObject()) {
      throw new ProblemException(
          Problem.Kind.INVALID_REQUEST.with("the request body must be a JSON object"));
    }
    try {
      return reader.treeToValue(document, type);
    } catch (IOException e) {
      throw new ProblemException(problemOf(e));
    }
  }

  /** The problem a failure to read a body stands for. */
  private static Problem problemOf(IOException e) {
    StreamConstraintsException limit = causeOf(e, StreamConstraintsException.class);
    if (limit != null) {
      return Problem.Kind.JSON_LIMIT_EXCEEDED.with(
          firstLine(limit.getOriginalMessage()).replaceAll(CONSTRAINT_SOURCE, ""),
          e instanceof JsonMappingException mapping ? path(mapping) : null);
    }
    // Broken JSON inside a field (a body cut short, say) reaches here wrapped with the field's
    // path:
    // it is still malformed JSON, not a wrong value.
    StreamReadException read = causeOf(e, StreamReadException.class);
    if (read != null) {
      return Problem.Kind.MALFORMED_JSON.with(
          firstLine(read.getOriginalMessage()).replaceAll(REDACTED_SOURCE, "[")
              + location(read.getLocation()));
    }
    if (e instanceof UnrecognizedPropertyException unknown) {
      return Problem.Kind.INVALID_REQUEST.with(
          "unknown field '" + unknown.getPropertyName() + "'", path(unknown));
    }
    if (e instanceof ValueInstantiationException invalid) {
      Throwable cause = invalid.getCause() == null ? invalid : invalid.getCause();
      return Problem.Kind.INVALID_REQUEST.with(firstLine(cause.getMessage()), path(invalid));
    }
    if (e instanceof MismatchedInputException mismatch) {
      String field = path(mismatch);
      return Problem.Kind.INVALID_REQUEST.with(
          field == null
              ? "the request body must be a JSON object"
              : "'" + field + "': expected " + describe(mismatch.getTargetType()),
          field);
    }
    if (e instanceof JsonMappingException mapping) {
      Throwable cause = mapping.getCause() instanceof IllegalArgumentException iae ? iae : mapping;
      String message =
          cause == mapping
              ? firstLine(mapping.getOriginalMessage())
              : firstLine(cause.getMessage());
      return Problem.Kind.INVALID_REQUEST.with(message, path(mapping));
    }
    return Problem.Kind.MALFORMED_JSON.with(firstLine(e.getMessage()));
  }

  /** The failure of {@code kind} behind {@code e}, also when the mapper wrapped it with a path. */
  private static <T extends Throwable> T causeOf(Throwable e, Class<T> kind) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (kind.isInstance(t)) {
        return kind.cast(t);
      }
    }
    return null;
  }

  /** What a client must send for a value of {@code type}, in JSON's words. */
  static String describe(Class<?> type) {
    if (type == null) {
      return "another type of value";
    }
    if (type.isRecord()
        && type.getRecordComponents().length == 1
        && type.getRecordComponents()[0].getAccessor().isAnnotationPresent(JsonValue.class)) {
      // A typed value such as a tenant id is written as the one value it wraps.
      return describe(type.getRecordComponents()[0].getType());
    }
    if (type == String.class || type.isEnum()) {
      return "a string";
    }
    if (Number.class.isAssignableFrom(type)
        || type == int.class
        || type == long.class
        || type == double.class) {
      return Integer.class == type || Long.class == type || type == int.class || type == long.class
          ? "a whole number"
          : "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "an array";
    }
    return "a JSON object";
  }

  /** The field a mapping error is about, as {@code plan.steps[2].id}; null for the root. */
  static String path(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (!path.isEmpty()) {
          path.append('.');
        }
        path.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.isEmpty() ? null : path.toString();
  }

  private static String location(JsonLocation location) {
    return location == null
        ? ""
        : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "invalid value";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
