package dev.lattice.orchestrator.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP/1.1 over a plain socket on loopback, for requests the JDK's client will not send: a {@code
 * Host} header of the test's choosing (as a browser under DNS rebinding sends it), or none of the
 * headers it adds. One request per connection ({@code Connection: close}); answers with a {@code
 * Content-Length} only, which is how the API sends everything but event streams.
 */
public final class RawHttp {
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  private RawHttp() {}

  /** An answer: its status, its headers by lower-case name, its body. */
  public record Response(int status, Map<String, List<String>> headers, String body) {
    /** The first value of header {@code name}, if it was sent. */
    public Optional<String> header(String name) {
      return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of()).stream().findFirst();
    }

    /** Whether any header's name starts with {@code prefix} (case-insensitive). */
    public boolean hasHeaderStartingWith(String prefix) {
      String lower = prefix.toLowerCase(Locale.ROOT);
      return headers.keySet().stream().anyMatch(name -> name.startsWith(lower));
    }
  }

  /**
   * Sends {@code method path} to port {@code port} of 127.0.0.1 with exactly {@code headers} (Host
   * included, when the caller wants one) and {@code body} (with its Content-Length when it is not
   * null).
   */
  public static Response send(
      int port, String method, String path, Map<String, String> headers, String body) {
    StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
    headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    if (body != null) {
      head.append("Content-Length: ").append(bytes.length).append("\r\n");
    }
    head.append("Connection: close\r\n\r\n");
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
      out.write(bytes);
      out.flush();
      return parse(readAll(socket.getInputStream()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String readAll(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    in.transferTo(all);
    return all.toString(StandardCharsets.UTF_8);
  }

  private static Response parse(String raw) {
    int end = raw.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new AssertionError("not an HTTP response: " + raw);
    }
    String[] lines = raw.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers
          .computeIfAbsent(
              lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(lines[i].substring(colon + 1).trim());
    }
    return new Response(status, headers, raw.substring(end + 4));
  }
}
