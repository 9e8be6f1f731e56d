package dev.lattice.orchestrator.node;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** What a failed asynchronous call failed with, without the wrappers futures add around it. */
public final class Failures {
  private Failures() {}

  public static Throwable cause(Throwable failure) {
    Throwable e = failure;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
