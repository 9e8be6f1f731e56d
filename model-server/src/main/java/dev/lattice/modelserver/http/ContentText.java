package dev.lattice.modelserver.http;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The text of a message's content, in either provider's forms: a string, or an array of parts of
 * which the text ones count ({@code {"type":"text","text":...}}).
 */
public final class ContentText {

  private ContentText() {}

  public static String of(JsonNode content) {
    if (content == null || content.isNull() || content.isMissingNode()) {
      return "";
    }
    if (content.isTextual()) {
      return content.asText();
    }
    StringBuilder text = new StringBuilder();
    for (JsonNode part : content) {
      if (part.path("text").isTextual()) {
        if (text.length() > 0) {
          text.append('\n');
        }
        text.append(part.path("text").asText());
      }
    }
    return text.toString();
  }
}
