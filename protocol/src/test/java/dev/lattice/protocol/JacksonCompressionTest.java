package dev.lattice.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Pekko's Jackson serializer with LZ4 compression (jackson-json's {@code algorithm = lz4}) on the
 * lz4-java that replaces the artifact Pekko brings, and on the Jackson version managed above the
 * one Pekko is built against. Lattice binds its own types to CBOR without compression; an
 * application that binds its messages to JSON with LZ4 relies on this path.
 */
class JacksonCompressionTest {
  /** A message bound to jackson-json in this test's configuration. */
  record JsonMessage(String name, JsonNode payload) {}

  private static final ActorTestKit testKit =
      ActorTestKit.create(
          "jackson-compression",
          ConfigFactory.parseString(
                  """
                  pekko.actor.serialization-bindings {
                    "dev.lattice.protocol.JacksonCompressionTest$JsonMessage" = jackson-json
                  }
                  pekko.serialization.jackson.jackson-json.compression {
                    algorithm = lz4
                    compress-larger-than = 1 KiB
                  }
                  """)
              .withFallback(ConfigFactory.load()));

  @AfterAll
  static void shutDown() {
    testKit.shutdownTestKit();
  }

  private static JsonNode payload(int items) {
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    for (int i = 0; i < items; i++) {
      array.addObject().put("index", i).put("text", "a repeated line of text").put("done", true);
    }
    return array;
  }

  private static Object roundTrip(Serialization serialization, Object message, byte[] bytes) {
    Serializer serializer = serialization.findSerializerFor(message);
    String manifest = Serializers.manifestFor(serializer, message);
    return serialization.deserialize(bytes, serializer.identifier(), manifest).get();
  }

  @Test
  void compressesLargeJsonMessagesWithLz4AndReadsThemBack() {
    Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());
    JsonMessage message = new JsonMessage("large", payload(2_000));

    byte[] bytes = serialization.serialize(message).get();

    assertThat(JacksonSerializer.isLZ4(bytes)).isTrue();
    assertThat(bytes.length).isLessThan(message.payload().toString().length() / 4);
    assertThat(roundTrip(serialization, message, bytes)).isEqualTo(message);
  }

  @Test
  void leavesMessagesBelowTheThresholdUncompressed() {
    Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());
    JsonMessage message = new JsonMessage("small", payload(2));

    byte[] bytes = serialization.serialize(message).get();

    assertThat(JacksonSerializer.isLZ4(bytes)).isFalse();
    assertThat(roundTrip(serialization, message, bytes)).isEqualTo(message);
  }
}
