package dev.lattice.orchestrator.guard;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Finds any of its patterns in the strings of what it is shown: the built-in {@code
 * secret-patterns} (keys and tokens that must not reach a model, a tool or the journal) and {@code
 * argument-deny-list} (argument text that tools must never get, such as shell substitutions or the
 * cloud metadata address). The finding names the pattern, never the text it matched.
 */
final class PatternGuardrail implements Guardrail {
  private final String what;
  private final List<Pattern> patterns;

  PatternGuardrail(String what, List<String> patterns) {
    this.what = what;
    this.patterns = patterns.stream().map(Pattern::compile).toList();
  }

  @Override
  public String check(Guarded guarded) {
    String[] found = new String[1];
    JsonText.strings(
        guarded.content(),
        text -> {
          for (Pattern pattern : patterns) {
            if (found[0] == null && pattern.matcher(text).find()) {
              found[0] = what + " matching /" + pattern.pattern() + "/";
            }
          }
        });
    return found[0];
  }
}
