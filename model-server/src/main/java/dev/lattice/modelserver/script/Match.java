package dev.lattice.modelserver.script;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.regex.Pattern;

/**
 * Which requests a script entry answers: all of the given conditions must hold; an absent one holds
 * for every request.
 *
 * @param contains a substring the last user message or the last tool result must contain
 * @param regex a regular expression that must be found in the last user message or the last tool
 *     result
 * @param model the exact model the request must name
 * @param lastRole the role the request's last message must have: {@code user}, {@code assistant} or
 *     {@code tool} (it carries tool results)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Match(String contains, String regex, String model, String lastRole) {

  public Match {
    if (regex != null) {
      // Compiled here so that a bad pattern fails when the script is loaded, not on a request.
      Pattern.compile(regex);
    }
  }

  /** A match on the last user message's text and the model, whatever the last role. */
  public Match(String contains, String regex, String model) {
    this(contains, regex, model, null);
  }

  public static Match contains(String text) {
    return new Match(text, null, null, null);
  }

  public static Match regex(String pattern) {
    return new Match(null, pattern, null, null);
  }

  public static Match model(String model) {
    return new Match(null, null, model, null);
  }

  /**
   * Requests whose last message has {@code role}; {@code tool} for those ending in tool results.
   */
  public static Match lastRole(String role) {
    return new Match(null, null, null, role);
  }

  /** This match, also requiring the given model. */
  public Match andModel(String name) {
    return new Match(contains, regex, name, lastRole);
  }

  /** This match, also requiring the request's last message to have {@code role}. */
  public Match andLastRole(String role) {
    return new Match(contains, regex, model, role);
  }

  /** Whether a request for {@code requestModel} whose last user message is {@code text} matches. */
  public boolean accepts(String requestModel, String text) {
    return accepts(Turn.user(requestModel, text));
  }

  /** Whether a request of {@code turn} matches. */
  public boolean accepts(Turn turn) {
    return (model == null || model.equals(turn.model()))
        && (lastRole == null || lastRole.equals(turn.lastRole()))
        && (contains == null
            || turn.lastUserMessage().contains(contains)
            || turn.lastToolResult().contains(contains))
        && (regex == null || found(turn.lastUserMessage()) || found(turn.lastToolResult()));
  }

  private boolean found(String text) {
    return Pattern.compile(regex).matcher(text).find();
  }
}
