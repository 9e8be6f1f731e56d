package dev.lattice.protocol.run;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A run started under a caller's {@code traceparent} joins its trace; anything that is not a valid
 * one (wrong version, length or characters, all-zero ids, a huge value) starts a new trace instead
 * of failing the start.
 */
class RunTraceTest {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN = "00f067aa0ba902b7";

  @Test
  void aValidTraceparentMakesTheRunItsChild() {
    RunTrace trace = RunTrace.startedUnder("00-" + TRACE + "-" + SPAN + "-01");

    assertThat(trace.traceId()).isEqualTo(TRACE);
    assertThat(trace.parentSpanId()).isEqualTo(SPAN);
    assertThat(trace.spanId()).hasSize(16).isNotEqualTo(SPAN);
    assertThat(trace.child().parentSpanId()).isEqualTo(trace.spanId());
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(
      strings = {
        "",
        "garbage",
        "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902zz-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\nx"
      })
  void anythingElseStartsANewTrace(String traceparent) {
    RunTrace trace = RunTrace.startedUnder(traceparent);

    assertThat(trace.traceId()).hasSize(32).isNotEqualTo(TRACE);
    assertThat(trace.parentSpanId()).isNull();
    assertThat(RunTrace.startedUnder("x".repeat(100_000)).parentSpanId()).isNull();
  }
}
