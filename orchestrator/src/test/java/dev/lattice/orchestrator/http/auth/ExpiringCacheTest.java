package dev.lattice.orchestrator.http.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ExpiringCacheTest {
  private final AtomicLong now = new AtomicLong(Long.MAX_VALUE - 5);

  @Test
  void anEntryLastsUntilItsDeadlineAcrossTheClocksWrap() {
    ExpiringCache<String, String> cache = new ExpiringCache<>(10, now::get);
    cache.put("a", "1", 10);
    now.addAndGet(9);
    assertThat(cache.get("a")).isEqualTo("1");
    now.addAndGet(1);
    assertThat(cache.get("a")).isNull();
    cache.put("b", "2", 0);
    assertThat(cache.get("b")).isNull();
  }

  @Test
  void pastItsBoundTheOldestEntriesAreForgottenAndTheQueueStaysBounded() {
    ExpiringCache<Integer, Integer> cache = new ExpiringCache<>(3, now::get);
    for (int i = 0; i < 5; i++) {
      cache.put(i, i, 1_000);
    }
    assertThat(cache.size()).isEqualTo(3);
    assertThat(cache.get(0)).isNull();
    assertThat(cache.get(4)).isEqualTo(4);
    // Forgetting and putting again, many times, keeps it within its bound.
    for (int i = 0; i < 10_000; i++) {
      cache.remove(7);
      cache.put(7, i, 1_000);
    }
    assertThat(cache.size()).isLessThanOrEqualTo(3);
    assertThat(cache.get(7)).isEqualTo(9_999);
    cache.removeIf(value -> value == 9_999);
    assertThat(cache.get(7)).isNull();
  }
}
