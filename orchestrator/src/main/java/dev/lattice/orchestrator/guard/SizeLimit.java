package dev.lattice.orchestrator.guard;

import java.nio.charset.StandardCharsets;

/** The built-in {@code size-limit}: no more than so many bytes of JSON. */
final class SizeLimit implements Guardrail {
  private final long maxBytes;

  SizeLimit(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  @Override
  public String check(Guarded guarded) {
    if (guarded.content() == null) {
      return null;
    }
    long bytes = guarded.content().toString().getBytes(StandardCharsets.UTF_8).length;
    return bytes > maxBytes
        ? bytes + " bytes of JSON, more than the " + maxBytes + " allowed"
        : null;
  }
}
