package dev.lattice.orchestrator.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.lattice.protocol.agent.Spend;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A ledger's journal written while the ledger lived in the {@code policy} package still replays:
 * its events and snapshots, named by their old class, are read into the classes of today.
 */
class LedgerPackageMigrationTest {
  // The node's configuration, where the migrations are registered.
  private static final ActorTestKit testKit =
      ActorTestKit.create(
          ConfigFactory.parseResources("lattice-node.conf")
              .withOnlyPath("pekko.serialization.jackson.migrations")
              .withFallback(ConfigFactory.load()));
  private static final Instant AT = Instant.parse("2026-01-01T10:00:00Z");
  private static final Spend SPEND = new Spend(120, new BigDecimal("0.25"));

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  static Stream<Object> recorded() {
    TenantLedger.Spent spent = new TenantLedger.Spent("r/a/2", SPEND, AT, AT);
    return Stream.of(
        spent, new TenantLedger.SpentTogether(List.of(spent, spent)), new LedgerState(AT, SPEND));
  }

  /** The name a record of this class was written under before the move. */
  private static String oldManifest(Object recorded) {
    String nested = recorded instanceof LedgerState ? "State" : recorded.getClass().getSimpleName();
    return LedgerPackageMigration.OLD_PREFIX + nested;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("recorded")
  void readsWhatWasWrittenUnderTheOldPackage(Object recorded) {
    Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());
    Serializer serializer = serialization.findSerializerFor(recorded);
    byte[] bytes = serialization.serialize(recorded).get();
    Object back =
        serialization.deserialize(bytes, serializer.identifier(), oldManifest(recorded)).get();

    assertThat(back).isEqualTo(recorded);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("recorded")
  void writesUnderTheNewNameWithoutAVersion(Object recorded) {
    Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());
    Serializer serializer = serialization.findSerializerFor(recorded);

    assertThat(Serializers.manifestFor(serializer, recorded))
        .isEqualTo(recorded.getClass().getName());
  }
}
