package dev.lattice.protocol.ids;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.protocol.json.LatticeJson;
import org.junit.jupiter.api.Test;

class BusKeyTest {
  @Test
  void parsesWhatItsValueWrites() {
    BusKey key = new BusKey("agent", "echo", 3, TenantId.of("acme"));
    assertThat(key.value()).isEqualTo("agent/echo/3/acme");
    assertThat(BusKey.parse(key.value())).isEqualTo(key);
  }

  @Test
  void isWrittenAndReadAsItsTextInJson() throws Exception {
    BusKey key = new BusKey("agent", "echo", 0, TenantId.DEFAULT);
    String json = LatticeJson.mapper().writeValueAsString(key);
    assertThat(json).isEqualTo("\"agent/echo/0/default\"");
    assertThat(LatticeJson.mapper().readValue(json, BusKey.class)).isEqualTo(key);
  }

  @Test
  void refusesTextWithTooFewOrTooManySegments() {
    for (String text : new String[] {"agent/echo/0", "agent/echo/0/acme/x", "", "agent"}) {
      assertThatThrownBy(() -> BusKey.parse(text))
          .as(text)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("bus key must look like service/role/shard/tenant");
    }
  }

  @Test
  void refusesAShardThatIsNotANonNegativeNumber() {
    assertThatThrownBy(() -> BusKey.parse("agent/echo/x/acme"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bus key shard must be a number: x");
    assertThatThrownBy(() -> BusKey.parse("agent/echo/-1/acme"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("shard must not be negative");
  }

  @Test
  void refusesEmptySegmentsAndTenantsThatAreNotTenantIds() {
    assertThatThrownBy(() -> BusKey.parse("/echo/0/acme"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("service must be non-empty");
    assertThatThrownBy(() -> BusKey.parse("agent//0/acme"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("role must be non-empty");
    assertThatThrownBy(() -> BusKey.parse("agent/echo/0/ACME"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("tenant must be");
  }
}
