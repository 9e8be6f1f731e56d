package dev.lattice.protocol.agent;

import java.util.Objects;

/** Why an attempt failed: a canonical class and a human-readable message. */
public record StepError(ErrorClass errorClass, String message) {
  public StepError {
    Objects.requireNonNull(errorClass, "errorClass");
    message = message == null ? "" : message;
  }

  public static StepError of(ErrorClass errorClass, String message) {
    return new StepError(errorClass, message);
  }
}
