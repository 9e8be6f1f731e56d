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
 * headers it adds. One request per connection ({@code Connection: close}).
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
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.writeBytes(head.toString().getBytes(StandardCharsets.US_ASCII));
    request.writeBytes(bytes);
    return exchange(port, request.toByteArray());
  }

  /**
   * Sends {@code request} to port {@code port} of 127.0.0.1 exactly as given, however malformed,
   * and reads one answer: its head, then as many bytes as its {@code Content-Length} says, or
   * everything until the server closes the connection when it gives none.
   */
  public static Response exchange(int port, byte[] request) {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      return read(socket.getInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Response read(InputStream in) throws IOException {
    String[] lines = readHead(in).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers
          .computeIfAbsent(
              lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(lines[i].substring(colon + 1).trim());
    }
    List<String> length = headers.get("content-length");
    byte[] body =
        length == null ? in.readAllBytes() : in.readNBytes(Integer.parseInt(length.get(0)));
    return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    int matched = 0;
    while (matched < end.length) {
      int b = in.read();
      if (b < 0) {
        throw new AssertionError("not an HTTP response: " + head);
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1).trim();
  }
}
