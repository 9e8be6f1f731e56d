package dev.lattice.protocol.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  @Test
  void aValueReadByTheMapperIsAlreadyCanonicalAndKeptAsItIs() throws Exception {
    JsonNode read = LatticeJson.mapper().readTree("{\"n\":1,\"d\":2.5,\"a\":[3,\"x\",null]}");
    assertThat(CanonicalJson.of(read)).isSameAs(read);
  }

  @Test
  void bringsValuesBuiltInJavaToTheFormTheMapperReads() throws Exception {
    ObjectNode built = NODES.objectNode();
    built.put("n", 1);
    built.put("d", 0.1);
    built.putArray("a").add(2).add(1.5f).add("x");
    JsonNode canonical = CanonicalJson.of(built);

    JsonNode read = LatticeJson.mapper().readTree(LatticeJson.mapper().writeValueAsString(built));
    assertThat(canonical).isEqualTo(read);
    assertThat(canonical.get("n").isLong()).isTrue();
    assertThat(canonical.get("d").decimalValue()).isEqualTo(new BigDecimal("0.1"));
    assertThat(canonical.get("a").get(1).decimalValue()).isEqualTo(new BigDecimal("1.5"));
  }

  @Test
  void leavesNullAndScalarsThatAreNotNumbersAlone() {
    assertThat(CanonicalJson.of(null)).isNull();
    JsonNode text = NODES.textNode("x");
    assertThat(CanonicalJson.of(text)).isSameAs(text);
    JsonNode longValue = NODES.numberNode(5L);
    assertThat(CanonicalJson.of(longValue)).isSameAs(longValue);
  }
}
