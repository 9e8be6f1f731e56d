package dev.lattice.orchestrator.plan;

import com.typesafe.config.Config;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code lattice.planner.goals} settings: how a goal's planner is asked.
 *
 * @param capability the capability its asks are dispatched to (one the llm action serves)
 * @param profile the model profile of its asks; null for none
 * @param maxTurns asks per goal: the first, then repairs of a refused plan
 * @param maxGoalChars the longest goal accepted
 * @param maxReplans the most new plans a run may ask for after a step of its plan failed
 * @param instructions what the planner is told before the goal
 * @param models the models and model profiles a plan's llm steps may name, for the catalogue
 */
public record GoalSettings(
    String capability,
    String profile,
    int maxTurns,
    int maxGoalChars,
    int maxReplans,
    String instructions,
    List<String> models) {

  public GoalSettings {
    models = List.copyOf(models);
    if (maxTurns < 1) {
      throw new IllegalArgumentException("lattice.planner.goals.max-turns must be at least 1");
    }
  }

  public static GoalSettings create(Config config) {
    Config c = config.getConfig("lattice.planner.goals");
    String profile = c.getString("profile");
    return new GoalSettings(
        c.getString("capability"),
        profile.isBlank() ? null : profile,
        c.getInt("max-turns"),
        c.getInt("max-goal-chars"),
        c.getInt("max-replans"),
        c.getString("instructions"),
        models(config));
  }

  /** The profiles of {@code lattice.llm.profiles} and the models its providers list. */
  private static List<String> models(Config config) {
    Set<String> names = new TreeSet<>();
    if (config.hasPath("lattice.llm.profiles")) {
      config.getConfig("lattice.llm.profiles").root().keySet().forEach(names::add);
    }
    if (config.hasPath("lattice.llm.providers")) {
      Config providers = config.getConfig("lattice.llm.providers");
      for (String provider : providers.root().keySet()) {
        String path = "\"" + provider + "\".models";
        if (providers.hasPath(path)) {
          names.addAll(providers.getStringList(path));
        }
      }
    }
    return List.copyOf(names);
  }
}
