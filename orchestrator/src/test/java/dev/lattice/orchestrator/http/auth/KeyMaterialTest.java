package dev.lattice.orchestrator.http.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyMaterialTest {
  @Test
  void keysAreLtAnd256RandomBitsAndOnlyTheirHashIsKept() {
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      String key = KeyMaterial.newKey();
      assertThat(key).startsWith("lt_").hasSize(46);
      assertThat(KeyMaterial.looksLikeKey(key)).isTrue();
      keys.add(key);
    }
    assertThat(keys).hasSize(100);
    String key = keys.iterator().next();
    assertThat(KeyMaterial.hash(key))
        .hasSize(64)
        .matches("[0-9a-f]+")
        .isEqualTo(KeyMaterial.hash(key));
    assertThat(KeyMaterial.newId()).startsWith("key_").hasSize(16);
  }

  @Test
  void onlyWhatHasAKeysFormIsLookedUp() {
    assertThat(KeyMaterial.looksLikeKey("lt_short")).isFalse();
    assertThat(KeyMaterial.looksLikeKey("lt_" + "a".repeat(44))).isFalse();
    assertThat(KeyMaterial.looksLikeKey("xx_" + "a".repeat(43))).isFalse();
    assertThat(KeyMaterial.looksLikeKey("lt_" + "a".repeat(42) + "=")).isFalse();
  }
}
