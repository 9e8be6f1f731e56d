package dev.lattice.protocol.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class PayloadLimitsTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private final PayloadLimits limits = new PayloadLimits(4, 100);

  /** An object holding an array holding an object ... {@code depth} containers deep. */
  private static JsonNode nested(int depth) {
    JsonNode inner = NODES.textNode("leaf");
    for (int i = 0; i < depth; i++) {
      if (i % 2 == 0) {
        ObjectNode object = NODES.objectNode();
        object.set("n", inner);
        inner = object;
      } else {
        ArrayNode array = NODES.arrayNode();
        array.add(inner);
        inner = array;
      }
    }
    return inner;
  }

  @Test
  void acceptsPayloadsUpToTheDepthLimit() {
    assertThat(limits.violation(nested(4))).isEmpty();
    assertThat(limits.violation(NODES.textNode("flat"))).isEmpty();
    assertThat(limits.violation(null)).isEmpty();
  }

  @Test
  void refusesPayloadsOneLevelDeeperNamingTheSetting() {
    assertThat(limits.violation(nested(5)))
        .contains("nests deeper than 4 levels (lattice.payload.max-depth)");
  }

  @Test
  void walksAPayloadFarDeeperThanTheStackWouldAllowRecursively() {
    assertThat(new PayloadLimits(1_000_000, Long.MAX_VALUE).violation(nested(200_000))).isEmpty();
    assertThat(limits.violation(nested(200_000))).isPresent();
  }

  @Test
  void measuresTheSizeAsTheLengthOfTheJsonText() throws Exception {
    ObjectNode payload = NODES.objectNode();
    payload.put("text", "x".repeat(50));
    payload.putArray("list").add(1).add(true).addNull();
    int length = LatticeJson.mapper().writeValueAsString(payload).length();
    assertThat(new PayloadLimits(4, length).violation(payload)).isEmpty();
    assertThat(new PayloadLimits(4, length - 1).violation(payload))
        .contains(
            "is larger than " + (length - 1) + " characters of JSON (lattice.payload.max-size)");
  }

  @Test
  void aLongStringAloneIsTooLarge() {
    assertThat(limits.violation(TextNode.valueOf("x".repeat(99)))).isPresent();
    assertThat(limits.violation(TextNode.valueOf("x".repeat(98)))).isEmpty();
  }

  @Test
  void checkNamesWhatItChecked() {
    assertThatThrownBy(() -> limits.check(nested(9), "the output"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the output nests deeper than 4 levels (lattice.payload.max-depth)");
  }

  @Test
  void readsTheShippedDefaults() {
    PayloadLimits defaults = PayloadLimits.fromConfig(ConfigFactory.load());
    assertThat(defaults.maxDepth()).isEqualTo(128);
    assertThat(defaults.maxChars()).isEqualTo(1024 * 1024);
  }
}
