package dev.lattice.protocol.agent;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.CborSerializable;
import java.util.Objects;

/** How one attempt ended: with an output or with an error, and what it consumed either way. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "outcome")
@JsonSubTypes({
  @JsonSubTypes.Type(value = StepOutcome.Succeeded.class, name = "succeeded"),
  @JsonSubTypes.Type(value = StepOutcome.Failed.class, name = "failed")
})
public sealed interface StepOutcome extends CborSerializable {
  Usage usage();

  static StepOutcome succeeded(JsonNode output, Usage usage) {
    return new Succeeded(output, usage);
  }

  static StepOutcome failed(ErrorClass errorClass, String message, Usage usage) {
    return new Failed(new StepError(errorClass, message), usage);
  }

  /** The attempt produced {@code output}. */
  record Succeeded(JsonNode output, Usage usage) implements StepOutcome {
    public Succeeded {
      Objects.requireNonNull(output, "output");
      usage = usage == null ? Usage.NONE : usage;
    }
  }

  /** The attempt failed with {@code error}. */
  record Failed(StepError error, Usage usage) implements StepOutcome {
    public Failed {
      Objects.requireNonNull(error, "error");
      usage = usage == null ? Usage.NONE : usage;
    }
  }
}
