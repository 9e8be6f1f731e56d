package dev.lattice.orchestrator.run.core;

import java.util.Locale;

/** A lifecycle transition that the transition table does not allow. */
public final class IllegalTransitionException extends IllegalStateException {
  public IllegalTransitionException(String what, Enum<?> from, Enum<?> to) {
    super(what + " cannot go from " + name(from) + " to " + name(to));
  }

  /** A refusal the lifecycle implies, in its own words (e.g. no step waits for that signal). */
  public IllegalTransitionException(String why) {
    super(why);
  }

  private static String name(Enum<?> status) {
    return status == null ? "(none)" : status.name().toLowerCase(Locale.ROOT);
  }
}
