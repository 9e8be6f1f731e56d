package dev.lattice.orchestrator.guard;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The guardrails of a node ({@code lattice.guardrails}): each applies to some of the four crossings
 * and either aborts or only reports. Every finding becomes an audit entry of the dispatcher that
 * saw it. Thread-safe: every dispatcher of the node shares it.
 */
public final class Guardrails {
  /** No guardrails at all. */
  public static final Guardrails NONE = new Guardrails(List.of());

  private record Configured(
      String name, Guardrail guardrail, GuardrailMode mode, Set<GuardedKind> appliesTo) {}

  private final List<Configured> configured;

  private Guardrails(List<Configured> configured) {
    this.configured = List.copyOf(configured);
  }

  /**
   * The guardrails configured under {@code lattice.guardrails}: the built-in ones, and those the
   * application registered ({@code registered}) under the names their configuration uses.
   *
   * @throws IllegalArgumentException when one is configured wrongly, or configured and not
   *     registered
   */
  public static Guardrails create(Config config, Map<String, Guardrail> registered) {
    Config c = config.getConfig("lattice.guardrails");
    List<Configured> all = new ArrayList<>();
    for (String name : c.root().keySet()) {
      Config one = c.getConfig(name);
      if (!one.getBoolean("enabled")) {
        continue;
      }
      Guardrail guardrail =
          switch (name) {
            case "secret-patterns" ->
                new PatternGuardrail("text like a secret", one.getStringList("patterns"));
            case "argument-deny-list" ->
                new PatternGuardrail("an argument", one.getStringList("patterns"));
            case "size-limit" -> new SizeLimit(one.getBytes("max-bytes"));
            case "tool-schema" -> new ToolArgumentSchema();
            default -> registered.get(name);
          };
      if (guardrail == null) {
        throw new IllegalArgumentException(
            "lattice.guardrails."
                + name
                + " names no built-in guardrail and none was registered under that name");
      }
      Set<GuardedKind> kinds = EnumSet.noneOf(GuardedKind.class);
      one.getStringList("applies-to").forEach(k -> kinds.add(GuardedKind.fromWire(k)));
      all.add(
          new Configured(name, guardrail, GuardrailMode.fromWire(one.getString("mode")), kinds));
    }
    return new Guardrails(all);
  }

  /** The findings about {@code guarded}, of every guardrail that applies to it. */
  public List<Verdict> check(Guarded guarded) {
    List<Verdict> verdicts = List.of();
    for (Configured one : configured) {
      if (!one.appliesTo().contains(guarded.kind())) {
        continue;
      }
      String finding;
      try {
        finding = one.guardrail().check(guarded);
      } catch (RuntimeException e) {
        finding = "the guardrail failed: " + e;
      }
      if (finding != null) {
        if (verdicts.isEmpty()) {
          verdicts = new ArrayList<>(2);
        }
        verdicts.add(new Verdict(one.name(), one.mode(), guarded.kind(), finding));
      }
    }
    return verdicts;
  }
}
