package dev.lattice.orchestrator.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.lattice.protocol.json.LatticeJson;
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
   * A request body of {@code type}, which must be {@code application/json}; anything the mapper
   * rejects becomes a {@link ProblemException} naming the offending field.
   */
  static <T> Unmarshaller<HttpEntity, T> body(Class<T> type) {
    return Unmarshaller.forMediaType(MediaTypes.APPLICATION_JSON, Unmarshaller.entityToByteString())
        .thenApply(bytes -> parse(bytes.toArray(), type));
  }

  static <T> T parse(byte[] body, Class<T> type) {
    if (body.length == 0) {
      throw new ProblemException(Problem.Kind.MALFORMED_JSON.with("the request body is empty"));
    }
    try {
      T value = MAPPER.readValue(body, type);
      if (value == null) {
        throw new ProblemException(
            Problem.Kind.INVALID_REQUEST.with("the request body must be a JSON object"));
      }
      return value;
    } catch (StreamReadException e) {
      throw new ProblemException(
          Problem.Kind.MALFORMED_JSON.with(firstLine(e.getOriginalMessage()) + location(e)));
    } catch (UnrecognizedPropertyException e) {
      throw new ProblemException(
          Problem.Kind.INVALID_REQUEST.with(
              "unknown field '" + e.getPropertyName() + "'", path(e)));
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new ProblemException(
          Problem.Kind.INVALID_REQUEST.with(firstLine(cause.getMessage()), path(e)));
    } catch (MismatchedInputException e) {
      String field = path(e);
      String expected = "expected " + describe(e.getTargetType());
      throw new ProblemException(
          Problem.Kind.INVALID_REQUEST.with(
              field == null
                  ? "the request body must be a JSON object"
                  : "'" + field + "': " + expected,
              field));
    } catch (JsonMappingException e) {
      Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
      String message =
          cause == e ? firstLine(e.getOriginalMessage()) : firstLine(cause.getMessage());
      throw new ProblemException(Problem.Kind.INVALID_REQUEST.with(message, path(e)));
    } catch (java.io.IOException e) {
      throw new ProblemException(Problem.Kind.MALFORMED_JSON.with(firstLine(e.getMessage())));
    }
  }

  /** What a client must send for a value of {@code type}, in JSON's words. */
  static String describe(Class<?> type) {
    if (type == null) {
      return "another type of value";
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
    if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
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

  private static String location(StreamReadException e) {
    return e.getLocation() == null
        ? ""
        : " (line "
            + e.getLocation().getLineNr()
            + ", column "
            + e.getLocation().getColumnNr()
            + ")";
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "invalid value";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
