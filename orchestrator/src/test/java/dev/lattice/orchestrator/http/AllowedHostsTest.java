package dev.lattice.orchestrator.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AllowedHostsTest {
  private static final int PORT = 8080;

  @Test
  void byDefaultOnlyTheBindHostAndLoopbackNamesWithTheBoundPortAreAllowed() {
    AllowedHosts hosts = AllowedHosts.of("127.0.0.1", PORT, List.of());
    assertThat(hosts.allows("127.0.0.1", PORT)).isTrue();
    assertThat(hosts.allows("localhost", PORT)).isTrue();
    assertThat(hosts.allows("LocalHost", PORT)).isTrue();
    assertThat(hosts.allows("::1", PORT)).isTrue();
    assertThat(hosts.allows("[::1]", PORT)).isTrue();
    assertThat(hosts.allows("localhost", PORT + 1)).isFalse();
    assertThat(hosts.allows("rebind.attacker.example", PORT)).isFalse();
    assertThat(hosts.allows("10.0.0.7", PORT)).isFalse();
  }

  @Test
  void aWildcardBindHostAllowsOnlyTheNamesListed() {
    AllowedHosts hosts =
        AllowedHosts.of(
            "0.0.0.0", PORT, List.of("lattice-api", "api.example.com:443", "[fd00::1]"));
    assertThat(hosts.allows("lattice-api", PORT)).isTrue();
    assertThat(hosts.allows("lattice-api", 80)).isTrue();
    assertThat(hosts.allows("api.example.com", 443)).isTrue();
    assertThat(hosts.allows("api.example.com", PORT)).isFalse();
    assertThat(hosts.allows("fd00::1", 1234)).isTrue();
    assertThat(hosts.allows("10.0.0.7", PORT)).isFalse();
  }

  @Test
  void aStarTurnsTheCheckOff() {
    AllowedHosts hosts = AllowedHosts.of("0.0.0.0", PORT, List.of(" * "));
    assertThat(hosts.allows("rebind.attacker.example", 1)).isTrue();
  }

  @Test
  void rejectsEntriesThatAreNotNamesOrNamePortPairs() {
    for (String bad : List.of("", ":80", "name:port", "[::1", "fd00::1", "name:")) {
      assertThatThrownBy(() -> AllowedHosts.of("127.0.0.1", PORT, List.of(bad)))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("lattice.http.allowed-hosts");
    }
  }
}
