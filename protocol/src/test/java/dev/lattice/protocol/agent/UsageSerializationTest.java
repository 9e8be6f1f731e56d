package dev.lattice.protocol.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lattice.protocol.json.LatticeJson;
import java.math.BigDecimal;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Usage gained cached and reasoning token figures: usage written before them (in the journal as
 * CBOR, in API answers as JSON) must still read, with both figures 0, and usage without them must
 * be written as before.
 */
class UsageSerializationTest {
  /** Usage as it was written before the cached and reasoning figures existed. */
  record UsageBefore(String model, long promptTokens, long completionTokens, BigDecimal costUsd) {}

  private static final ActorTestKit testKit = ActorTestKit.create("usage-serialization");
  private static final ObjectMapper CBOR =
      JacksonObjectMapperProvider.get(testKit.system())
          .getOrCreate("jackson-cbor", Optional.empty());

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void readsJournalUsageWrittenBeforeTheNewFiguresAsZero() throws Exception {
    byte[] old = CBOR.writeValueAsBytes(new UsageBefore("m", 3, 4, new BigDecimal("0.5")));

    Usage read = CBOR.readValue(old, Usage.class);

    assertThat(read).isEqualTo(new Usage("m", 3, 4, new BigDecimal("0.5")));
    assertThat(read.cachedTokens()).isZero();
    assertThat(read.reasoningTokens()).isZero();
  }

  @Test
  void roundTripsTheNewFiguresThroughCbor() throws Exception {
    Usage usage = new Usage("m", 30, 40, new BigDecimal("0.25"), 12, 7);

    assertThat(CBOR.readValue(CBOR.writeValueAsBytes(usage), Usage.class)).isEqualTo(usage);
  }

  @Test
  void readsApiUsageWithoutTheNewFiguresStrictly() throws Exception {
    String old = "{\"model\":\"m\",\"promptTokens\":3,\"completionTokens\":4,\"costUsd\":0.5}";

    Usage read = LatticeJson.mapper().readValue(old, Usage.class);

    assertThat(read.cachedTokens()).isZero();
    assertThat(read.reasoningTokens()).isZero();
    assertThat(read.promptTokens()).isEqualTo(3);
  }

  @Test
  void writesZeroNewFiguresAsBefore() throws Exception {
    String written =
        LatticeJson.mapper().writeValueAsString(new Usage("m", 3, 4, new BigDecimal("0.5")));

    assertThat(written)
        .isEqualTo("{\"model\":\"m\",\"promptTokens\":3,\"completionTokens\":4,\"costUsd\":0.5}");
  }

  @Test
  void writesAndSumsNonZeroNewFigures() throws Exception {
    Usage a = new Usage("m", 10, 5, BigDecimal.ZERO, 4, 2);
    Usage b = new Usage("m", 1, 1, BigDecimal.ZERO, 1, 1);

    Usage sum = a.plus(b);

    assertThat(sum.cachedTokens()).isEqualTo(5);
    assertThat(sum.reasoningTokens()).isEqualTo(3);
    JsonNode json = LatticeJson.mapper().readTree(LatticeJson.mapper().writeValueAsString(sum));
    assertThat(json.get("cachedTokens").asLong()).isEqualTo(5);
    assertThat(json.get("reasoningTokens").asLong()).isEqualTo(3);
    assertThat(a.withCost(BigDecimal.ONE).cachedTokens()).isEqualTo(4);
  }
}
