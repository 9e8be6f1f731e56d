package dev.lattice.orchestrator.http;

/** Ends a request with a problem response; thrown by route code that finds the request at fault. */
final class ProblemException extends RuntimeException {
  private final transient Problem problem;

  ProblemException(Problem problem) {
    super(problem.detail(), null, false, false);
    this.problem = problem;
  }

  Problem problem() {
    return problem;
  }
}
