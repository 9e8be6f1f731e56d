package dev.lattice.modelserver.http;

import java.nio.charset.StandardCharsets;
import org.apache.pekko.util.ByteString;

/**
 * One Server-Sent Event of a streamed answer.
 *
 * @param event the event's name ({@code event:} line); null for OpenAI's unnamed events
 * @param data the event's data, one line of JSON (or OpenAI's {@code [DONE]})
 */
public record SseFrame(String event, String data) {

  public static SseFrame data(String data) {
    return new SseFrame(null, data);
  }

  public static SseFrame named(String event, String data) {
    return new SseFrame(event, data);
  }

  /** The same event with its data cut in half: what a malformed-JSON fault sends. */
  public SseFrame truncated() {
    return new SseFrame(event, data.substring(0, data.length() / 2));
  }

  public ByteString bytes() {
    String text = (event == null ? "" : "event: " + event + "\n") + "data: " + data + "\n\n";
    return ByteString.fromString(text, StandardCharsets.UTF_8);
  }
}
