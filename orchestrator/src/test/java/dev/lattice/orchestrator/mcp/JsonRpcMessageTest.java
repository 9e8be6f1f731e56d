package dev.lattice.orchestrator.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class JsonRpcMessageTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void readsRequestsNotificationsAndResponses() {
    JsonRpcMessage request = read("{'jsonrpc': '2.0', 'id': 'a-1', 'method': 'ping'}");
    assertThat(request.method()).isEqualTo("ping");
    assertThat(request.id().asText()).isEqualTo("a-1");
    assertThat(read("{'jsonrpc': '2.0', 'id': 7, 'method': 'x', 'params': {}}").id().asLong())
        .isEqualTo(7);
    assertThat(read("{'jsonrpc': '2.0', 'method': 'notifications/initialized'}").id()).isNull();
    assertThat(read("{'jsonrpc': '2.0', 'id': 3, 'result': {}}").method()).isNull();
  }

  @Test
  void refusesWhatIsNotOneJsonRpcMessage() {
    for (String invalid :
        new String[] {
          "[]",
          "[{'jsonrpc': '2.0', 'id': 1, 'method': 'ping'}]",
          "'ping'",
          "{'id': 1, 'method': 'ping'}",
          "{'jsonrpc': '1.0', 'id': 1, 'method': 'ping'}",
          "{'jsonrpc': '2.0', 'id': 1}",
          "{'jsonrpc': '2.0', 'id': 1, 'method': 5}",
          "{'jsonrpc': '2.0', 'id': true, 'method': 'ping'}",
          "{'jsonrpc': '2.0', 'id': 1.5, 'method': 'ping'}",
          "{'jsonrpc': '2.0', 'id': null, 'method': 'ping'}"
        }) {
      assertThatThrownBy(() -> read(invalid))
          .as(invalid)
          .isInstanceOfSatisfying(
              McpException.class, e -> assertThat(e.code()).isEqualTo(JsonRpc.INVALID_REQUEST));
    }
  }

  private static JsonRpcMessage read(String text) {
    try {
      JsonNode node = JSON.readTree(text.replace('\'', '"'));
      return JsonRpcMessage.of(node);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
