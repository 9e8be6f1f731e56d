package dev.lattice.modelserver.http;

/** Thrown while reading a request that must be answered with an error. */
public final class RequestRejected extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient ModelError error;

  public RequestRejected(ModelError error) {
    super(error.message(), null, false, false);
    this.error = error;
  }

  public ModelError error() {
    return error;
  }
}
