package dev.lattice.protocol.redact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.lattice.protocol.json.LatticeJson;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedactorTest {
  private static final Redactor REDACTOR = Redactor.fromConfig(ConfigFactory.defaultReference());

  private static JsonNode json(String text) {
    try {
      return LatticeJson.mapper().readTree(text.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Test
  void replacesTheValuesOfSensitiveFieldsAtAnyDepth() {
    JsonNode redacted =
        REDACTOR.redact(
            json(
                "{'user': 'ann', 'password': 'hunter2', 'nested': [{'apiKey': 'sk-1', 'n': 1},"
                    + " {'API_KEY': 42, 'X-Api-Key': 'k'}], 'Authorization': 'Bearer abc',"
                    + " 'access_token': 't', 'clientSecret': 's', 'DB_PASSWORD': 'p'}"));
    assertThat(redacted)
        .isEqualTo(
            json(
                "{'user': 'ann', 'password': '[redacted]', 'nested': [{'apiKey': '[redacted]',"
                    + " 'n': 1}, {'API_KEY': '[redacted]', 'X-Api-Key': '[redacted]'}],"
                    + " 'Authorization': '[redacted]', 'access_token': '[redacted]',"
                    + " 'clientSecret': '[redacted]', 'DB_PASSWORD': '[redacted]'}"));
  }

  @Test
  void leavesFieldsThatOnlyLookAlikeAlone() {
    JsonNode value =
        json(
            "{'maxTokens': 2000, 'promptTokens': 12, 'nextPageToken': 'p2', 'page_token': 'x', 'progressToken': 3,"
                + " 'tokenType': 'Bearer', 'text': 'my password is hunter2'}");
    assertThat(REDACTOR.redact(value)).isSameAs(value);
  }

  @Test
  void keepsTheShapeUnderASensitiveFieldAndLosesEveryNumberAndText() {
    JsonNode redacted =
        REDACTOR.redact(
            json("{'credentials': {'user': 'u', 'pin': 1234, 'list': ['a', null, true]}}"));
    assertThat(redacted)
        .isEqualTo(
            json(
                "{'credentials': {'user': '[redacted]', 'pin': '[redacted]', 'list':"
                    + " ['[redacted]', null, true]}}"));
  }

  @Test
  void keepsSecretReferences() {
    JsonNode value =
        json(
            "{'token': '${secret:crm-token}', 'Authorization': 'Bearer ${secret:crm-token}',"
                + " 'password': '${secret:a} ${secret:b}'}");
    assertThat(REDACTOR.redact(value)).isSameAs(value);
    assertThat(REDACTOR.redact(json("{'token': 'abc ${secret:x}'}")))
        .isEqualTo(json("{'token': '[redacted]'}"));
    assertThat(REDACTOR.redact(json("{'token': '${payload.token}'}")))
        .isEqualTo(json("{'token': '[redacted]'}"));
  }

  @Test
  void theNamesOfASchemasPropertiesAreNoFields() {
    JsonNode schema =
        json(
            "{'schema': {'type': 'object', 'required': ['password'], 'properties': {'password':"
                + " {'type': 'string', 'minLength': 12}, 'token': true}}}");
    assertThat(REDACTOR.redact(schema)).isSameAs(schema);
    // Data that only looks like it is redacted as usual.
    assertThat(REDACTOR.redact(json("{'properties': {'password': 'p', 'n': {}}}")))
        .isEqualTo(json("{'properties': {'password': '[redacted]', 'n': {}}}"));
    assertThat(
            REDACTOR.redact(
                json("{'properties': {'user': {'properties': {'a': {}}, 'password': 'p'}}}")))
        .isEqualTo(
            json("{'properties': {'user': {'properties': {'a': {}}, 'password': '[redacted]'}}}"));
  }

  @Test
  void isIdempotentAndCopiesNothingWithoutASensitiveField() {
    JsonNode once = REDACTOR.redact(json("{'a': {'password': 'x'}, 'b': [1, 2]}"));
    assertThat(REDACTOR.redact(once)).isSameAs(once);
    JsonNode plain = json("{'a': {'b': [1, {'c': 'd'}]}}");
    assertThat(REDACTOR.redact(plain)).isSameAs(plain);
  }

  @Test
  void leavesTheOriginalUnchanged() {
    JsonNode original = json("{'a': [{'secret': 's'}], 'b': 'kept'}");
    String before = original.toString();
    REDACTOR.redact(original);
    assertThat(original.toString()).isEqualTo(before);
  }

  @Test
  void redactsValuesQuotedAfterSensitiveNamesInText() {
    assertThat(REDACTOR.redactText("login failed: password=hunter2, user=ann"))
        .isEqualTo("login failed: password=[redacted], user=ann");
    assertThat(REDACTOR.redactText("answered 500: {\"error\":\"bad\",\"apiKey\":\"sk-9 x\"}"))
        .isEqualTo("answered 500: {\"error\":\"bad\",\"apiKey\":\"[redacted]\"}");
    assertThat(REDACTOR.redactText("sent Authorization: Bearer abc.def to host"))
        .isEqualTo("sent Authorization: Bearer [redacted] to host");
    assertThat(REDACTOR.redactText("GET /x?page=2&token=abc&q=1"))
        .isEqualTo("GET /x?page=2&token=[redacted]&q=1");
    assertThat(REDACTOR.redactText("{\\\"secret\\\":\\\"s3\\\"}"))
        .isEqualTo("{\\\"secret\\\":\\\"[redacted]\\\"}");
    assertThat(REDACTOR.redactText("client_secret: 'abc'"))
        .isEqualTo("client_secret: '[redacted]'");
    assertThat(REDACTOR.redactText("jdbc:postgresql://lattice:pw123@db:5432/x"))
        .isEqualTo("jdbc:postgresql://lattice:[redacted]@db:5432/x");
  }

  @Test
  void leavesTextWithoutSensitiveValuesAndReferencesAlone() {
    String[] kept = {
      "plain text, no values",
      "url=http://h/echo?key=${secret:crm-token}",
      "Authorization: Bearer ${secret:crm-token}",
      "\"authorization\":\"Bearer ${secret:crm-token}\"",
      "maxTokens=2000 nextPageToken=abc",
      "token=[redacted]",
      "https://user@host/x and http://host:8080/y",
      "postgresql://app:${secret:db-password}@db/x",
      "${secret:crm-token}"
    };
    for (String text : kept) {
      assertThat(REDACTOR.redactText(text)).as(text).isSameAs(text);
    }
  }

  @Test
  void listsOfTextsAreRedactedOneByOne() {
    List<String> texts = List.of("ok", "password: x");
    assertThat(REDACTOR.redactTexts(texts)).containsExactly("ok", "password: [redacted]");
    List<String> plain = List.of("a", "b");
    assertThat(REDACTOR.redactTexts(plain)).isSameAs(plain);
  }

  @Test
  void patternsAndReplacementAreConfigurable() {
    Redactor custom =
        Redactor.fromConfig(
            ConfigFactory.parseString(
                    "lattice.redaction { fields = [\"ssn\"], except-fields = [], replacement ="
                        + " \"***\" }")
                .withFallback(ConfigFactory.defaultReference()));
    assertThat(custom.redact(json("{'SSN': '123', 'password': 'p'}")))
        .isEqualTo(json("{'SSN': '***', 'password': 'p'}"));
    Redactor none = Redactor.none();
    JsonNode value = json("{'password': 'p'}");
    assertThat(none.redact(value)).isSameAs(value);
    assertThat(none.redactText("password=p")).isEqualTo("password=p");
  }

  @Test
  void refusesAPatternThatIsNoRegularExpression() {
    assertThatThrownBy(() -> new Redactor(List.of("(unclosed"), List.of(), "x", 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lattice.redaction.fields");
  }
}
