package dev.lattice.protocol.agent;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.CborSerializable;
import java.util.List;
import java.util.Objects;

/**
 * How one attempt ended: with an output or with an error, what it consumed either way, and the
 * outputs its action rejected on the way (tries it asked again after; none for most actions). The
 * list is left out of the JSON while empty, so outcomes written before it existed read the same.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "outcome")
@JsonSubTypes({
  @JsonSubTypes.Type(value = StepOutcome.Succeeded.class, name = "succeeded"),
  @JsonSubTypes.Type(value = StepOutcome.Failed.class, name = "failed")
})
public sealed interface StepOutcome extends CborSerializable {
  Usage usage();

  /** The outputs the action rejected before this outcome, in order of their tries. */
  List<RejectedOutput> rejected();

  static StepOutcome succeeded(JsonNode output, Usage usage) {
    return new Succeeded(output, usage);
  }

  static StepOutcome failed(ErrorClass errorClass, String message, Usage usage) {
    return new Failed(new StepError(errorClass, message), usage);
  }

  /** The attempt produced {@code output}. */
  record Succeeded(
      JsonNode output,
      Usage usage,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<RejectedOutput> rejected)
      implements StepOutcome {
    public Succeeded {
      Objects.requireNonNull(output, "output");
      usage = usage == null ? Usage.NONE : usage;
      rejected = rejected == null ? List.of() : List.copyOf(rejected);
    }

    public Succeeded(JsonNode output, Usage usage) {
      this(output, usage, List.of());
    }
  }

  /** The attempt failed with {@code error}. */
  record Failed(
      StepError error,
      Usage usage,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<RejectedOutput> rejected)
      implements StepOutcome {
    public Failed {
      Objects.requireNonNull(error, "error");
      usage = usage == null ? Usage.NONE : usage;
      rejected = rejected == null ? List.of() : List.copyOf(rejected);
    }

    public Failed(StepError error, Usage usage) {
      this(error, usage, List.of());
    }
  }
}
