package dev.lattice.worker.action.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AddressGuardTest {
  @Test
  void refusesEveryKindOfNonPublicAddress() throws Exception {
    List<String> nonPublic =
        List.of(
            "127.0.0.1",
            "127.8.9.10",
            "::1",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "fec0::1",
            "0.0.0.0",
            "0.1.2.3",
            "::",
            "224.0.0.1",
            "ff02::1",
            "100.64.0.1",
            "198.18.0.1",
            "240.0.0.1",
            "255.255.255.255",
            // IPv4-mapped (Java reads it as IPv4), IPv4-compatible, NAT64 and 6to4 forms.
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::1");
    for (String literal : nonPublic) {
      assertThat(AddressGuard.nonPublic(InetAddress.getByName(literal))).as(literal).isPresent();
    }
  }

  @Test
  void letsPublicAddressesThrough() throws Exception {
    for (String literal :
        List.of("93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111")) {
      assertThat(AddressGuard.nonPublic(InetAddress.getByName(literal))).as(literal).isEmpty();
    }
  }

  @Test
  void aHostNamedAsPrivateMayResolveToAPrivateAddressAndNoOtherMay() throws Exception {
    AddressGuard guard = new AddressGuard(Set.of("Internal.Example", "127.0.0.1"));
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    InetAddress metadata = InetAddress.getByName("169.254.169.254");

    assertThat(guard.refusal("internal.example", loopback)).isEmpty();
    assertThat(guard.refusal("127.0.0.1", loopback)).isEmpty();
    assertThat(guard.refusal("other.example", loopback))
        .hasValueSatisfying(
            rule ->
                assertThat(rule)
                    .contains("other.example")
                    .contains("loopback")
                    .contains("lattice.http.allowed-private-hosts"));
    assertThat(guard.refusal("169.254.169.254", metadata))
        .hasValueSatisfying(rule -> assertThat(rule).contains("link-local"));
  }

  @Test
  void hostAllowListsAreGlobalPlusTheTenantsOwnAndDenyTheRest() {
    HostAllowList hosts =
        new HostAllowList(
            List.of("api.example.com", "*.hooks.example.com"),
            Map.of("acme", List.of("crm.acme.example")));

    assertThat(hosts.refusal("API.Example.com.", "default")).isEmpty();
    assertThat(hosts.refusal("a.hooks.example.com", "default")).isEmpty();
    assertThat(hosts.refusal("a.b.hooks.example.com", "default")).isEmpty();
    assertThat(hosts.refusal("hooks.example.com", "default")).isPresent();
    assertThat(hosts.refusal("evilhooks.example.com", "default")).isPresent();
    assertThat(hosts.refusal("api.example.com.evil.com", "default")).isPresent();
    assertThat(hosts.refusal("crm.acme.example", "acme")).isEmpty();
    assertThat(hosts.refusal("crm.acme.example", "default"))
        .hasValueSatisfying(
            rule ->
                assertThat(rule)
                    .contains("lattice.http.allowed-hosts")
                    .contains("lattice.http.tenants.default.allowed-hosts"));
  }

  @Test
  void theConnectionGetsTheAddressThatWasCheckedNotTheNameAgain() {
    AddressGuard guard = new AddressGuard(Set.of("localhost"));

    InetSocketAddress address = GuardedClient.checkedAddress(guard, "localhost", 8080);

    assertThat(address.isUnresolved()).isFalse();
    assertThat(address.getAddress().isLoopbackAddress()).isTrue();
    assertThat(address.getPort()).isEqualTo(8080);
    assertThat(
            catchThrowable(
                () -> GuardedClient.checkedAddress(new AddressGuard(Set.of()), "localhost", 80)))
        .isInstanceOf(AddressDenied.class)
        .hasMessageContaining("loopback");
  }
}
