package dev.lattice.orchestrator.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.lattice.orchestrator.http.HttpSettings;
import dev.lattice.orchestrator.run.RunEntity;
import dev.lattice.protocol.api.ExecuteRequest;
import dev.lattice.protocol.api.RunAccepted;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.plan.ExecutionMode;
import dev.lattice.protocol.plan.PlanSpec;
import dev.lattice.protocol.run.RunSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The largest body the HTTP API accepts can cross nodes: a run is started by a message to its
 * entity, wherever sharding placed it, and that message carries the body's payload and plan. Artery
 * drops a message larger than its frame, so the frame must hold the largest body as it is
 * serialized.
 */
class LargestRequestTest {
  /** Room for what Artery and sharding wrap around the message: its manifests and actor paths. */
  private static final int ENVELOPES = 16 * 1024;

  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /**
   * A body of the largest size made of the values whose serialized form is the largest next to
   * their text: decimals, which CBOR writes as a tag, an exponent and a mantissa.
   */
  private static byte[] worstBody(long maxBody) {
    String prefix = "{\"payload\":[";
    String suffix = "],\"intent\":\"indexing\"}";
    String number = "1e5";
    long count = (maxBody - prefix.length() - suffix.length() + 1) / (number.length() + 1);
    StringBuilder body = new StringBuilder(prefix);
    for (long i = 0; i < count; i++) {
      body.append(i == 0 ? "" : ",").append(number);
    }
    return body.append(suffix).toString().getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void theLargestBodyFitsInARemoteFrame() throws Exception {
    Config config = NodeConfig.assemble(ConfigFactory.empty(), null);
    long frame = config.getBytes("pekko.remote.artery.advanced.maximum-frame-size");
    HttpSettings http = HttpSettings.create(config);
    byte[] body = worstBody(http.maxBodyBytes());
    assertThat((long) body.length).isLessThanOrEqualTo(http.maxBodyBytes());
    ExecuteRequest request =
        http.json().applyTo(LatticeJson.mapper()).readValue(body, ExecuteRequest.class);
    JsonNode payload = request.payload();

    ActorRef<StatusReply<RunAccepted>> replyTo =
        testKit.<StatusReply<RunAccepted>>createTestProbe().ref();
    RunEntity.StartRun start =
        new RunEntity.StartRun(
            new RunSpec(
                TenantId.DEFAULT,
                ExecutionMode.AUTO,
                "intent:indexing",
                new PlanSpec(List.of(), null, null, null, null),
                payload,
                "key"),
            true,
            replyTo);
    Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());
    byte[] bytes = serialization.serialize(start).get();

    assertThat(bytes.length).isGreaterThan(body.length);
    assertThat((long) bytes.length + ENVELOPES).isLessThanOrEqualTo(frame);
  }
}
