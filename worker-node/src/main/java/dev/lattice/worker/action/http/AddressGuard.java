package dev.lattice.worker.action.http;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides, after DNS resolution, whether the http action may connect to an address: only public
 * ones, unless the host was named in {@code lattice.http.allowed-private-hosts}. Loopback, private
 * (RFC 1918, IPv6 unique-local), link-local (169.254.0.0/16, where cloud metadata services answer,
 * and fe80::/10), unspecified, multicast, carrier-grade NAT and other reserved ranges are refused;
 * so are IPv6 forms that embed such an IPv4 address (IPv4-compatible, NAT64, 6to4).
 */
final class AddressGuard {
  private static final int BYTE = 0xff;

  private final Set<String> allowedPrivateHosts;

  /**
   * @param allowedPrivateHosts host names (or literal addresses) that may be non-public
   */
  AddressGuard(Set<String> allowedPrivateHosts) {
    this.allowedPrivateHosts =
        allowedPrivateHosts.stream()
            .map(h -> h.toLowerCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());
  }

  /** Whether {@code host} was named as one that may resolve to a non-public address. */
  boolean allowsPrivate(String host) {
    return allowedPrivateHosts.contains(HostAllowList.normalized(host));
  }

  /**
   * Why {@code address}, which {@code host} resolved to, may not be connected to; empty when it
   * may.
   */
  Optional<String> refusal(String host, InetAddress address) {
    Optional<String> kind = nonPublic(address);
    if (kind.isEmpty() || allowsPrivate(host)) {
      return Optional.empty();
    }
    return Optional.of(
        "host '"
            + host
            + "' resolves to "
            + address.getHostAddress()
            + ", a "
            + kind.get()
            + " address; only hosts named in lattice.http.allowed-private-hosts may");
  }

  /** What kind of non-public address {@code address} is; empty for a public one. */
  static Optional<String> nonPublic(InetAddress address) {
    if (address.isAnyLocalAddress()) {
      return Optional.of("unspecified");
    }
    if (address.isLoopbackAddress()) {
      return Optional.of("loopback");
    }
    if (address.isLinkLocalAddress()) {
      return Optional.of("link-local");
    }
    if (address.isMulticastAddress()) {
      return Optional.of("multicast");
    }
    if (address.isSiteLocalAddress()) {
      return Optional.of("private");
    }
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      return reservedV4(b);
    }
    if (address instanceof Inet6Address) {
      return reservedV6(b);
    }
    return Optional.empty();
  }

  private static Optional<String> reservedV4(byte[] b) {
    int first = b[0] & BYTE;
    int second = b[1] & BYTE;
    if (first == 0) {
      return Optional.of("unspecified (0.0.0.0/8)");
    }
    if (first == 100 && second >= 64 && second <= 127) {
      return Optional.of("carrier-grade NAT (100.64.0.0/10)");
    }
    if (first == 192 && second == 0 && (b[2] & BYTE) == 0) {
      return Optional.of("reserved (192.0.0.0/24)");
    }
    if (first == 198 && (second == 18 || second == 19)) {
      return Optional.of("reserved (198.18.0.0/15)");
    }
    if (first >= 240) {
      return Optional.of("reserved (240.0.0.0/4)");
    }
    return Optional.empty();
  }

  private static Optional<String> reservedV6(byte[] b) {
    int first = b[0] & BYTE;
    if ((first & 0xfe) == 0xfc) {
      return Optional.of("unique-local (fc00::/7)");
    }
    if (first == 0xfe && ((b[1] & 0xc0) == 0xc0)) {
      return Optional.of("site-local (fec0::/10)");
    }
    if (isZero(b, 0, 12)) {
      // IPv4-compatible ::a.b.c.d (Java already turns ::ffff:a.b.c.d into an IPv4 address).
      return embedded(b, 12);
    }
    if (b[0] == 0x00 && b[1] == 0x64 && (b[2] & BYTE) == 0xff && (b[3] & BYTE) == 0x9b) {
      // NAT64, 64:ff9b::/96: the gateway connects to the IPv4 address in the last 32 bits.
      return embedded(b, 12);
    }
    if (b[0] == 0x20 && b[1] == 0x02) {
      // 6to4, 2002::/16: the IPv4 address in bits 16 to 48.
      return embedded(b, 2);
    }
    return Optional.empty();
  }

  private static Optional<String> embedded(byte[] b, int from) {
    byte[] v4 = {b[from], b[from + 1], b[from + 2], b[from + 3]};
    try {
      return nonPublic(InetAddress.getByAddress(v4))
          .map(kind -> kind + " (embedded in an IPv6 address)");
    } catch (UnknownHostException e) {
      // Four bytes always make an address.
      throw new IllegalStateException(e);
    }
  }

  private static boolean isZero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
