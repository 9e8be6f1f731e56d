package dev.lattice.orchestrator.tracing;

import io.opentelemetry.sdk.trace.IdGenerator;
import java.util.function.Supplier;

/**
 * The SDK's random ids, except for a span whose ids were decided beforehand: a run's span, whose
 * ids the run recorded as it started (its steps' spans already hang under them), is made when the
 * run ends, perhaps on another node after a crash, with exactly those ids.
 */
final class PresetIds implements IdGenerator {
  static final PresetIds INSTANCE = new PresetIds();

  private record Preset(String traceId, String spanId) {}

  private static final ThreadLocal<Preset> PRESET = new ThreadLocal<>();

  private PresetIds() {}

  /** What {@code make} makes, its root span with {@code traceId} and {@code spanId}. */
  static <T> T with(String traceId, String spanId, Supplier<T> make) {
    PRESET.set(new Preset(traceId, spanId));
    try {
      return make.get();
    } finally {
      PRESET.remove();
    }
  }

  @Override
  public String generateSpanId() {
    Preset preset = PRESET.get();
    return preset != null ? preset.spanId() : IdGenerator.random().generateSpanId();
  }

  @Override
  public String generateTraceId() {
    Preset preset = PRESET.get();
    return preset != null ? preset.traceId() : IdGenerator.random().generateTraceId();
  }
}
