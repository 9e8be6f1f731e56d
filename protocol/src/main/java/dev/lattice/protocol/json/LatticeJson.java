package dev.lattice.protocol.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.paramnames.ParameterNamesModule;

/**
 * The JSON mapper of the public API: ISO-8601 timestamps, no nulls, and strict reading. Unknown
 * properties are rejected so that a misspelt field is a clear error instead of a silently ignored
 * one; for the same reason a value of the wrong JSON type is an error, never coerced: {@code "5"}
 * is not a number, {@code 5} is not a string, {@code 1.5} is not a whole number (Jackson would
 * otherwise truncate it), {@code ""} is not an object, and anything after the document but
 * whitespace is refused. A whole number is a valid value of a fractional field, as in JSON itself.
 */
public final class LatticeJson {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new ParameterNamesModule())
          .addModule(new Jdk8Module())
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.USE_LONG_FOR_INTS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .withCoercionConfigDefaults(
              config -> {
                config.setAcceptBlankAsEmpty(false);
                config.setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
                config.setCoercion(CoercionInputShape.String, CoercionAction.Fail);
              })
          .withCoercionConfig(
              LogicalType.Textual,
              config -> {
                config.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
                config.setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
                config.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
              })
          .withCoercionConfig(
              LogicalType.Integer,
              config -> config.setCoercion(CoercionInputShape.Float, CoercionAction.Fail))
          .withCoercionConfig(
              LogicalType.Boolean,
              config -> config.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail))
          .withCoercionConfig(
              LogicalType.Float,
              // A whole number is a number: 2 is as good as 2.0 for a multiplier.
              config -> config.setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert))
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .build();

  private LatticeJson() {}

  /** The shared, thread-safe mapper. Do not reconfigure it. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }
}
