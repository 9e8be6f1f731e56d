package dev.lattice.persistence.payload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Splitting large events into stored parts and making them whole again. */
class PayloadSplitterTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final PayloadSettings SETTINGS = new PayloadSettings(4096, 256, 1 << 20);
  private final JournalPayloads payloads = new JournalPayloads(SETTINGS);
  private final PayloadSplitter splitter = new PayloadSplitter(SETTINGS);

  @Test
  void anEventUpToTheLimitIsWrittenWhole() {
    ObjectNode event = NODES.objectNode().put("output", "x".repeat(3000));

    assertThat(payloads.externalise(PayloadCodec.encode(event))).isNull();
  }

  @Test
  void aLargeRowThatIsNotOneCborValueIsWrittenWhole() {
    byte[] two = PayloadCodec.encode(NODES.textNode("t".repeat(3000)));
    byte[] row = new byte[two.length * 2];
    System.arraycopy(two, 0, row, 0, two.length);
    System.arraycopy(two, 0, row, two.length, two.length);

    assertThat(payloads.externalise(row)).isNull();
    // Compressed, as a serializer configured to compress would write it.
    byte[] gzip = new byte[5000];
    gzip[0] = (byte) 0x1f;
    gzip[1] = (byte) 0x8b;
    assertThat(payloads.externalise(gzip)).isNull();
  }

  @Test
  void aLargeTextOverTheLimitBecomesAReferenceAndComesBackWhole() {
    ObjectNode event = NODES.objectNode().put("stepId", "a").put("output", "y".repeat(10_000));

    JournalPayloads.Externalised written = payloads.externalise(PayloadCodec.encode(event));

    assertThat(written.parts().size()).isEqualTo(1);
    JsonNode stored = PayloadCodec.decode(written.event());
    PayloadRef ref = PayloadRef.from(stored.get("output"));
    assertThat(ref).isNotNull();
    assertThat(ref.hash()).matches("sha256:[0-9a-f]{64}");
    assertThat(ref.bytes()).isEqualTo(written.parts().get(ref.hash()).length);
    assertThat(stored.get("stepId").asText()).isEqualTo("a");
    assertThat(written.event().length).isLessThan(200);
    assertThat(resolve(written.event(), written.parts())).isEqualTo(event);
  }

  @Test
  void nestedPartsRecurringInAConversationAreOnePartEach() {
    String first = "first answer ".repeat(100);
    String second = "second answer ".repeat(100);
    JsonNode earlier = conversation(first, second, first);
    JsonNode later = conversation(first, second, "a third answer ".repeat(100));

    PayloadSplitter.Split one = splitter.split(earlier.deepCopy());
    PayloadSplitter.Split two = splitter.split(later.deepCopy());

    // The first conversation repeats an answer, and its three closing prompts are the same:
    // three distinct parts, not six.
    assertThat(one.parts().size()).isEqualTo(3);
    // The later one shares all with it and adds one: the same hashes, whatever event holds them.
    assertThat(two.parts().keySet()).containsAll(one.parts().keySet());
    assertThat(two.parts().size()).isEqualTo(4);
    Map<String, byte[]> table = new HashMap<>(one.parts());
    table.putAll(two.parts());
    assertThat(resolve(PayloadCodec.encode(two.event()), table)).isEqualTo(later);
    assertThat(resolve(PayloadCodec.encode(one.event()), table)).isEqualTo(earlier);
  }

  @Test
  void anObjectStillTooLargeWithoutItsLargeValuesIsStoredWhole() {
    ObjectNode event = NODES.objectNode();
    ArrayNode numbers = event.putArray("numbers");
    for (int i = 0; i < 2000; i++) {
      numbers.add(i);
    }
    event.put("answer", "z".repeat(1000));

    JournalPayloads.Externalised written = payloads.externalise(PayloadCodec.encode(event));

    JsonNode stored = PayloadCodec.decode(written.event());
    assertThat(PayloadRef.from(stored.get("numbers"))).isNotNull();
    assertThat(PayloadRef.from(stored.get("answer"))).isNotNull();
    assertThat(resolve(written.event(), written.parts())).isEqualTo(event);
  }

  @Test
  void aPayloadsOwnPayloadFieldsAreNotTakenForReferences() {
    String stored = "w".repeat(5000);
    byte[] content = PayloadCodec.encode(NODES.textNode(stored));
    ObjectNode event = NODES.objectNode();
    event.put("big", "v".repeat(5000));
    // Data shaped like a reference to a part that exists, and one that does not.
    event.set("lookalike", PayloadRef.of(content).toNode());
    event.putObject("dangling").put("$payload", "sha256:" + "0".repeat(64)).put("bytes", 3);
    event.putObject("escapedAlready").put("$$payload", "kept");

    JournalPayloads.Externalised written = payloads.externalise(PayloadCodec.encode(event));
    Map<String, byte[]> table = new HashMap<>(written.parts());
    table.put(PayloadRef.of(content).hash(), content);

    JsonNode whole = resolve(written.event(), table);
    assertThat(whole).isEqualTo(event);
    assertThat(whole.get("lookalike").get("$payload").isTextual()).isTrue();
  }

  @Test
  void valuesKeepTheirTypesThroughTheRows() {
    ObjectNode event = NODES.objectNode();
    event.put("price", new BigDecimal("1.50"));
    event.put("ratio", 0.25f);
    event.put("count", 12_345_678_901L);
    event.put("blob", new byte[5000]);
    event.put("text", "é€😀".repeat(2000));

    JournalPayloads.Externalised written = payloads.externalise(PayloadCodec.encode(event));

    JsonNode whole = resolve(written.event(), written.parts());
    assertThat(whole.get("price").decimalValue()).isEqualTo(new BigDecimal("1.50"));
    assertThat(whole.get("ratio").isFloat()).isTrue();
    assertThat(whole).isEqualTo(event);
    assertThat(written.parts().size()).isEqualTo(2);
  }

  @Test
  void aReferenceToAPartThatIsNotStoredFailsTheRead() {
    ObjectNode event = NODES.objectNode().put("output", "q".repeat(10_000));
    JournalPayloads.Externalised written = payloads.externalise(PayloadCodec.encode(event));

    assertThatThrownBy(() -> resolve(written.event(), Map.of()))
        .isInstanceOf(PayloadResolver.MissingPayloadException.class)
        .hasMessageContaining("sha256:");
  }

  @Test
  void theCacheKeepsTheMostRecentlyUsedPartsWithinItsBudget() {
    PayloadCache cache = new PayloadCache(900);
    cache.putAll(Map.of("a", new byte[200], "b", new byte[200]));
    cache.get(List.of("a"));
    cache.putAll(Map.of("c", new byte[200], "d", new byte[200], "e", new byte[200]));
    cache.putAll(Map.of("huge", new byte[600]));

    assertThat(cache.contains("a")).isTrue();
    assertThat(cache.contains("b")).isFalse();
    assertThat(cache.contains("huge")).isFalse();
  }

  private static JsonNode conversation(String... answers) {
    ObjectNode input = NODES.objectNode().put("model", "m");
    ArrayNode messages = input.putArray("messages");
    for (String answer : answers) {
      messages.addObject().put("role", "user").put("content", "go on");
      messages.addObject().put("role", "assistant").put("content", answer);
    }
    // Over the limit only as a whole: each answer alone is under it.
    for (int i = 0; i < 3; i++) {
      messages.addObject().put("role", "user").put("content", "more ".repeat(300));
    }
    return input;
  }

  private static JsonNode resolve(byte[] event, Map<String, byte[]> table) {
    return PayloadResolver.resolve(
        PayloadCodec.decode(event),
        hashes -> {
          Map<String, byte[]> found = new HashMap<>();
          hashes.forEach(
              h -> {
                if (table.containsKey(h)) {
                  found.put(h, table.get(h));
                }
              });
          return found;
        });
  }
}
