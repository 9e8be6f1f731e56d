package dev.lattice.worker.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HeartbeatGatesTest {
  private final HeartbeatGates gates = new HeartbeatGates();

  @Test
  void passesAtMostOneHeartbeatPerInterval() {
    gates.open("a", 100, 0);
    assertThat(gates.pass("a", 50)).isFalse();
    assertThat(gates.pass("a", 100)).isTrue();
    assertThat(gates.pass("a", 150)).isFalse();
    assertThat(gates.pass("a", 199)).isFalse();
    assertThat(gates.pass("a", 200)).isTrue();
  }

  @Test
  void anAttemptNeverOpenedOrClosedPassesNothing() {
    assertThat(gates.pass("unknown", 1_000)).isFalse();
    gates.open("a", 10, 0);
    gates.close("a");
    assertThat(gates.pass("a", 1_000)).isFalse();
  }

  @Test
  void aBurstAtOneInstantPassesOnce() {
    gates.open("a", 10, 0);
    long passed = IntStream.range(0, 1_000).filter(i -> gates.pass("a", 20)).count();
    assertThat(passed).isEqualTo(1);
  }
}
