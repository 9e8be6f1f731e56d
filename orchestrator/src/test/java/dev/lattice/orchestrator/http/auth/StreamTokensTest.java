package dev.lattice.orchestrator.http.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import dev.lattice.orchestrator.testing.MutableClock;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.ids.TenantId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StreamTokensTest {
  private static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private final MutableClock clock = new MutableClock();
  private final StreamTokens tokens = new StreamTokens(SECRET, Duration.ofSeconds(60), clock);
  private final Principal alice =
      new Principal("k1", Principal.Source.API_KEY, TenantId.of("acme"), Set.of(Role.OPERATOR));
  private final RunId run = RunId.random();

  @Test
  void aTokenReadsItsRunsEventsAsAViewerOfItsTenantUntilItExpires() {
    StreamTokens.StreamToken token = tokens.issue(alice, run, TenantId.of("acme"));
    Principal reader = tokens.verify(token.token(), run.value());
    assertThat(reader.source()).isEqualTo(Principal.Source.STREAM_TOKEN);
    assertThat(reader.tenant()).isEqualTo(TenantId.of("acme"));
    assertThat(reader.roles()).containsExactly(Role.VIEWER);
    assertThat(reader.subject()).isEqualTo("key:k1");
    assertThatThrownBy(() -> tokens.verify(token.token(), RunId.random().value()))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("another run");
    clock.advance(Duration.ofSeconds(60));
    assertThatThrownBy(() -> tokens.verify(token.token(), run.value()))
        .isInstanceOf(AuthenticationException.class);
  }

  @Test
  void forgedTokensAreRefused() {
    String token = tokens.issue(alice, run, TenantId.of("acme")).token();
    StreamTokens other =
        new StreamTokens(
            "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII),
            Duration.ofSeconds(60),
            clock);
    assertThatThrownBy(() -> other.verify(token, run.value()))
        .isInstanceOf(AuthenticationException.class);
    String[] parts = token.split("\\.");
    String tampered = parts[0] + "." + parts[1] + "x." + parts[2];
    assertThatThrownBy(() -> tokens.verify(tampered, run.value()))
        .isInstanceOf(AuthenticationException.class);
    String unsigned =
        new PlainJWT(
                new JWTClaimsSet.Builder()
                    .issuer("lattice")
                    .audience("lattice-stream")
                    .claim("run", run.value())
                    .claim("tenant", "acme")
                    .build())
            .serialize();
    assertThatThrownBy(() -> tokens.verify(unsigned, run.value()))
        .isInstanceOf(AuthenticationException.class);
    assertThatThrownBy(() -> tokens.verify("lt_" + "a".repeat(43), run.value()))
        .isInstanceOf(AuthenticationException.class);
  }
}
