package dev.lattice.orchestrator.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The host names a node answers to, the defence against DNS rebinding: a web page can point a name
 * of its own at 127.0.0.1 and make the user's browser call a loopback-only node, but every request
 * it sends still names the page's host. Only requests that name an allowed host are served.
 *
 * <p>Always allowed: the bind host, {@code localhost}, {@code 127.0.0.1} and {@code [::1]}, each
 * with the bound port (the names a client on the node's own machine uses, which no web page can
 * claim). Configured entries are {@code name} (any port) or {@code name:port}; {@code *} allows
 * every host, for a node behind a proxy that checks the Host itself.
 */
final class AllowedHosts {
  /** The entry that turns the check off. */
  static final String ANY = "*";

  /** The names of the node's own machine, allowed with the bound port. */
  private static final List<String> LOOPBACK = List.of("localhost", "127.0.0.1", "[::1]");

  /** Port of an entry that names no port: every port matches it. */
  private static final int ANY_PORT = -1;

  private record Entry(String name, int port) {
    boolean matches(String host, int requestPort) {
      return name.equals(host) && (port == ANY_PORT || port == requestPort);
    }
  }

  private final boolean any;
  private final List<Entry> entries;

  private AllowedHosts(boolean any, List<Entry> entries) {
    this.any = any;
    this.entries = List.copyOf(entries);
  }

  /**
   * The hosts a node listening on {@code bindHost} and {@code boundPort} answers to, with the
   * {@code configured} entries.
   *
   * @throws IllegalArgumentException for an entry that is not {@code name} or {@code name:port}
   */
  static AllowedHosts of(String bindHost, int boundPort, List<String> configured) {
    List<Entry> entries = new ArrayList<>();
    entries.add(new Entry(name(bindHost), boundPort));
    LOOPBACK.forEach(name -> entries.add(new Entry(name(name), boundPort)));
    boolean any = false;
    for (String value : configured) {
      if (ANY.equals(value.trim())) {
        any = true;
      } else {
        entries.add(entry(value.trim()));
      }
    }
    return new AllowedHosts(any, entries);
  }

  /** Whether a request whose effective URI names {@code host} and {@code port} is served. */
  boolean allows(String host, int port) {
    String name = name(host);
    return any || entries.stream().anyMatch(entry -> entry.matches(name, port));
  }

  /** A configured entry: {@code name}, {@code name:port}, {@code [v6]} or {@code [v6]:port}. */
  private static Entry entry(String value) {
    int close = value.startsWith("[") ? value.indexOf(']') : -1;
    int colon = close >= 0 ? value.indexOf(':', close) : value.lastIndexOf(':');
    if (value.isEmpty() || value.startsWith("[") && close < 0 || colon == 0) {
      throw new IllegalArgumentException(
          "lattice.http.allowed-hosts: '" + value + "' is not a host name or name:port");
    }
    if (colon < 0) {
      return new Entry(name(value), ANY_PORT);
    }
    if (close < 0 && value.indexOf(':') != colon) {
      throw new IllegalArgumentException(
          "lattice.http.allowed-hosts: write the IPv6 address '" + value + "' in brackets");
    }
    try {
      return new Entry(
          name(value.substring(0, colon)), Integer.parseInt(value.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "lattice.http.allowed-hosts: '" + value + "' has no valid port", e);
    }
  }

  /** A host name as compared: lower case, an IPv6 address without its brackets. */
  private static String name(String host) {
    String name = host.toLowerCase(Locale.ROOT);
    return name.startsWith("[") && name.endsWith("]") ? name.substring(1, name.length() - 1) : name;
  }
}
