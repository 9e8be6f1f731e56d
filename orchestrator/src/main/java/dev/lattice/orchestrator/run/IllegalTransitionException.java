package dev.lattice.orchestrator.run;

/** A lifecycle transition that the transition table does not allow. */
public final class IllegalTransitionException extends IllegalStateException {
  public IllegalTransitionException(String what, Enum<?> from, Enum<?> to) {
    super(what + " cannot go from " + name(from) + " to " + name(to));
  }

  private static String name(Enum<?> status) {
    return status == null ? "(none)" : status.name().toLowerCase(java.util.Locale.ROOT);
  }
}
