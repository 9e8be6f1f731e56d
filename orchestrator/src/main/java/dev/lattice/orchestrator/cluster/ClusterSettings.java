package dev.lattice.orchestrator.cluster;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The {@code lattice.cluster} settings: how long readiness checks and the cluster view may wait.
 *
 * @param journalTimeout how long the readiness check waits for the journal's database
 * @param shardingTimeout how long the readiness check waits for each of this node's shard regions
 * @param readyCacheFor how long a readiness answer is reused after its check started
 * @param shardStatsTimeout how long the cluster view waits for each member's shard region
 */
public record ClusterSettings(
    Duration journalTimeout,
    Duration shardingTimeout,
    Duration readyCacheFor,
    Duration shardStatsTimeout) {

  public static ClusterSettings create(Config config) {
    Config c = config.getConfig("lattice.cluster");
    return new ClusterSettings(
        c.getDuration("ready.journal-timeout"),
        c.getDuration("ready.sharding-timeout"),
        c.getDuration("ready.cache-for"),
        c.getDuration("shard-stats-timeout"));
  }
}
