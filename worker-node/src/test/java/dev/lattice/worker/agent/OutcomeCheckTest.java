package dev.lattice.worker.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.lattice.protocol.agent.Assignment;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.RejectedOutput;
import dev.lattice.protocol.agent.StepOutcome;
import dev.lattice.protocol.agent.Usage;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.ids.TenantId;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.json.PayloadLimits;
import dev.lattice.protocol.plan.Budget;
import dev.lattice.protocol.redact.Redactor;
import dev.lattice.worker.action.ActionException;
import dev.lattice.worker.action.ActionResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What an action returns is redacted before it becomes the attempt's outcome. */
class OutcomeCheckTest {
  private static final String SECRET = "hunter2-5ecret";

  private final OutcomeCheck check =
      new OutcomeCheck(
          new PayloadLimits(16, 10_000), Redactor.fromConfig(ConfigFactory.defaultReference()));

  private final Assignment assignment =
      new Assignment(
          RunId.of("r"),
          "s",
          1,
          "r/s/1",
          "echo",
          null,
          Budget.UNLIMITED,
          1000,
          null,
          TenantId.DEFAULT);

  @Test
  void anOutputLosesTheValuesOfItsSensitiveFields() throws Exception {
    JsonNode output =
        LatticeJson.mapper()
            .readTree("{\"user\": \"ann\", \"session\": {\"access_token\": \"" + SECRET + "\"}}");

    StepOutcome outcome = check.outcome(assignment, ActionResult.of(output), null);

    assertThat(outcome).isInstanceOf(StepOutcome.Succeeded.class);
    JsonNode recorded = ((StepOutcome.Succeeded) outcome).output();
    assertThat(recorded.at("/session/access_token").asText()).isEqualTo("[redacted]");
    assertThat(recorded.at("/user").asText()).isEqualTo("ann");
  }

  @Test
  void anErrorMessageAndRejectedOutputsLoseWhatTheyQuote() {
    RejectedOutput rejected =
        new RejectedOutput(
            1,
            List.of("apiKey=" + SECRET + " is no object"),
            0,
            "{\"password\": \"" + SECRET + "\"");
    ActionException failure =
        new ActionException(ErrorClass.AUTH, "login refused: password=" + SECRET, Usage.NONE, null)
            .after(Usage.NONE, List.of(rejected));

    StepOutcome outcome = check.outcome(assignment, null, failure);

    assertThat(outcome).isInstanceOf(StepOutcome.Failed.class);
    StepOutcome.Failed failed = (StepOutcome.Failed) outcome;
    assertThat(failed.error().message()).isEqualTo("login refused: password=[redacted]");
    assertThat(failed.rejected().toString()).doesNotContain(SECRET).contains("[redacted]");
  }

  @Test
  void anUnexpectedFailureIsRedactedToo() {
    StepOutcome outcome =
        check.outcome(assignment, null, new IllegalStateException("token: " + SECRET));

    assertThat(((StepOutcome.Failed) outcome).error().message())
        .isEqualTo("IllegalStateException: token: [redacted]");
  }
}
