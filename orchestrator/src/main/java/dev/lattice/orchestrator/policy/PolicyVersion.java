package dev.lattice.orchestrator.policy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The version of the effective policy: {@code sha256:HEX} of {@code lattice.policy} (allow-lists,
 * budgets, leases, prices) rendered as JSON, keys in order, so that two nodes with the same policy
 * have the same version whatever the files it came from. Secrets never live there (they are
 * references), so the hash reveals nothing.
 */
public final class PolicyVersion {
  /** The configuration that is policy. */
  public static final String PATH = "lattice.policy";

  private PolicyVersion() {}

  /** The version of {@code config}'s policy. */
  public static String of(Config config) {
    String json = config.getConfig(PATH).root().render(ConfigRenderOptions.concise());
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return "sha256:"
          + HexFormat.of().formatHex(sha.digest(json.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
