package dev.lattice.modelserver.script;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.regex.Pattern;

/**
 * Which requests a script entry answers: all of the given conditions must hold; an absent one holds
 * for every request.
 *
 * @param contains a substring the last user message must contain
 * @param regex a regular expression that must be found in the last user message
 * @param model the exact model the request must name
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Match(String contains, String regex, String model) {

  public Match {
    if (regex != null) {
      // Compiled here so that a bad pattern fails when the script is loaded, not on a request.
      Pattern.compile(regex);
    }
  }

  public static Match contains(String text) {
    return new Match(text, null, null);
  }

  public static Match regex(String pattern) {
    return new Match(null, pattern, null);
  }

  public static Match model(String model) {
    return new Match(null, null, model);
  }

  /** This match, also requiring the given model. */
  public Match andModel(String name) {
    return new Match(contains, regex, name);
  }

  /** Whether a request for {@code requestModel} whose last user message is {@code text} matches. */
  public boolean accepts(String requestModel, String text) {
    return (model == null || model.equals(requestModel))
        && (contains == null || text.contains(contains))
        && (regex == null || Pattern.compile(regex).matcher(text).find());
  }
}
