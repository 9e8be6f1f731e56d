package dev.lattice.orchestrator.session;

import com.typesafe.config.Config;

/**
 * How sessions are kept ({@code lattice.sessions}).
 *
 * @param snapshotEvery a session snapshots its state after this many events
 * @param maxStoredMessages the most messages a session holds, whatever its policy
 * @param rememberedExchanges the exchanges a session remembers by step, to answer a step's later
 *     attempts with
 * @param textCacheMaxBytes the most message text a node keeps in memory
 */
public record SessionStoreSettings(
    int snapshotEvery, int maxStoredMessages, int rememberedExchanges, long textCacheMaxBytes) {

  public SessionStoreSettings {
    if (snapshotEvery < 1
        || maxStoredMessages < 1
        || rememberedExchanges < 1
        || textCacheMaxBytes < 0) {
      throw new IllegalArgumentException(
          "lattice.sessions: snapshot-every, max-stored-messages and remembered-exchanges must be"
              + " positive, text-cache-max-bytes not negative");
    }
  }

  /** Reads the {@code lattice.sessions} section of {@code config}. */
  public static SessionStoreSettings create(Config config) {
    Config c = config.getConfig("lattice.sessions");
    return new SessionStoreSettings(
        c.getInt("snapshot-every"),
        c.getInt("max-stored-messages"),
        c.getInt("remembered-exchanges"),
        c.getBytes("text-cache-max-bytes"));
  }
}
