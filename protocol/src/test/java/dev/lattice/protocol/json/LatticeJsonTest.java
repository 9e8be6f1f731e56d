package dev.lattice.protocol.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.plan.ExecutionMode;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.plan.RetryPolicy;
import dev.lattice.protocol.plan.StepKind;
import dev.lattice.protocol.plan.StepSpec;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The public mapper reads exactly what it is given: no trailing data, no coerced scalars. */
class LatticeJsonTest {
  private static final ObjectMapper JSON = LatticeJson.mapper();

  /** A record with one field of each scalar kind the API uses, and a boolean. */
  record Kinds(
      String text,
      Integer whole,
      Long big,
      Double ratio,
      BigDecimal money,
      Boolean flag,
      StepKind kind,
      List<String> names) {}

  private static Kinds read(String json) throws Exception {
    return JSON.readValue(json, Kinds.class);
  }

  @Test
  void readsEachKindFromItsOwnJsonType() throws Exception {
    Kinds kinds =
        read(
            "{\"text\":\"a\",\"whole\":1,\"big\":10000000000,\"ratio\":2,\"money\":0.05,"
                + "\"flag\":true,\"kind\":\"wait\",\"names\":[\"x\"]}");

    assertThat(kinds)
        .isEqualTo(
            new Kinds(
                "a",
                1,
                10_000_000_000L,
                2.0,
                new BigDecimal("0.05"),
                true,
                StepKind.WAIT,
                List.of("x")));
  }

  @Test
  void refusesTrailingData() {
    for (String body :
        List.of("{} x", "{}{}", "{}}", "{}]", "{}\u0000", "[] []", "\"a\" 1", "1 2")) {
      assertThatThrownBy(() -> JSON.readTree(body)).as(body).isInstanceOf(Exception.class);
      assertThatThrownBy(() -> JSON.readValue(body, JsonNode.class))
          .as(body)
          .isInstanceOf(Exception.class);
    }
    assertThatThrownBy(() -> read("{\"text\":\"a\"} trailing garbage"))
        .isInstanceOf(Exception.class);
  }

  @Test
  void acceptsTrailingWhitespace() throws Exception {
    assertThat(read("{\"text\":\"a\"}\n \t\r\n").text()).isEqualTo("a");
  }

  @Test
  void refusesStringsForNumbersBooleansAndEnumsAlike() {
    for (String body :
        List.of(
            "{\"whole\":\"5\"}",
            "{\"big\":\"10\"}",
            "{\"ratio\":\"1.5\"}",
            "{\"money\":\"0.05\"}",
            "{\"flag\":\"true\"}",
            "{\"text\":5}",
            "{\"text\":1.5}",
            "{\"text\":true}",
            "{\"flag\":1}",
            "{\"flag\":0}",
            "{\"whole\":true}")) {
      assertThatThrownBy(() -> read(body)).as(body).isInstanceOf(MismatchedInputException.class);
    }
  }

  @Test
  void refusesNonStringsForEnumsAndIds() {
    // Enums are read by their wire names, which no number or boolean matches.
    for (String body : List.of("{\"kind\":1}", "{\"kind\":true}")) {
      assertThatThrownBy(() -> read(body)).as(body).isInstanceOf(Exception.class);
    }
    assertThatThrownBy(() -> JSON.readValue("{\"tenant\":5}", ExecuteRequest.class))
        .isInstanceOf(MismatchedInputException.class);
  }

  @Test
  void refusesFloatsForWholeNumbers() {
    for (String body :
        List.of("{\"whole\":1.5}", "{\"whole\":1.0}", "{\"big\":1e3}", "{\"big\":2.5}")) {
      assertThatThrownBy(() -> read(body)).as(body).isInstanceOf(MismatchedInputException.class);
    }
  }

  @Test
  void refusesEmptyStringsAndScalarsForObjectsAndArrays() {
    for (String body :
        List.of(
            "{\"names\":\"\"}",
            "{\"names\":\"x\"}",
            "{\"whole\":\"\"}",
            "{\"kind\":\"\"}",
            "{\"text\":{}}",
            "{\"text\":[]}")) {
      assertThatThrownBy(() -> read(body)).as(body).isInstanceOf(Exception.class);
    }
    assertThatThrownBy(() -> JSON.readValue("{\"plan\":\"\"}", ExecuteRequest.class))
        .isInstanceOf(MismatchedInputException.class);
    assertThatThrownBy(() -> JSON.readValue("{\"retry\":\"\"}", PlanSpec.class))
        .isInstanceOf(MismatchedInputException.class);
  }

  @Test
  void readsBackWhatItWrites() throws Exception {
    ExecuteRequest request =
        new ExecuteRequest(
            null,
            JSON.readTree("{\"n\":1,\"x\":1.5,\"s\":\"5\"}"),
            ExecutionMode.AUTO,
            null,
            null,
            new PlanSpec(
                List.of(StepSpec.agent("a", "echo", JSON.createObjectNode().put("t", "hi"))),
                new RetryPolicy(3, 200L, 5000L, 2.0, 0.1, null)),
            7);

    ExecuteRequest back = JSON.readValue(JSON.writeValueAsBytes(request), ExecuteRequest.class);

    assertThat(back).isEqualTo(request);
  }
}
