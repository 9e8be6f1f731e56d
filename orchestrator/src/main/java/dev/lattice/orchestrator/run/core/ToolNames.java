package dev.lattice.orchestrator.run.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The names a tool loop's model calls its tools by. Providers accept only {@code
 * [a-zA-Z0-9_-]{1,64}}, and capabilities may hold dots ({@code mcp.files.read}): every other
 * character becomes {@code _}, and a name taken twice gets a number. Pure: the same tools always
 * get the same names, so the run maps a call back to its capability on replay as it did live.
 */
final class ToolNames {
  private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9_-]");
  private static final int MAX_LENGTH = 64;

  private final Map<String, String> capabilityByName;

  private ToolNames(Map<String, String> capabilityByName) {
    this.capabilityByName = capabilityByName;
  }

  static ToolNames of(List<String> capabilities) {
    Map<String, String> byName = new LinkedHashMap<>();
    for (String capability : capabilities) {
      String base = UNSAFE.matcher(capability).replaceAll("_");
      base = base.length() > MAX_LENGTH ? base.substring(0, MAX_LENGTH) : base;
      String name = base;
      for (int n = 2; byName.containsKey(name); n++) {
        String suffix = "_" + n;
        name = base.substring(0, Math.min(base.length(), MAX_LENGTH - suffix.length())) + suffix;
      }
      byName.put(name, capability);
    }
    return new ToolNames(Collections.unmodifiableMap(byName));
  }

  /** The capability the model means by {@code name}, or null when no tool has that name. */
  String capability(String name) {
    return name == null ? null : capabilityByName.get(name);
  }

  /** Every tool's name and capability, in the step's order. */
  Map<String, String> byName() {
    return capabilityByName;
  }
}
