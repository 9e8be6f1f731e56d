package dev.lattice.orchestrator.http.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.protocol.ids.TenantId;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PrincipalTest {
  private static final TenantId ACME = TenantId.of("acme");

  @Test
  void eachRoleGrantsWhatTheIssueSaysAndOnlyAdminIncludesTheOthers() {
    assertThat(Role.VIEWER.grants(Permission.READ)).isTrue();
    assertThat(Role.VIEWER.grants(Permission.SUBMIT)).isFalse();
    assertThat(Role.SUBMITTER.grants(Permission.SUBMIT)).isTrue();
    assertThat(Role.SUBMITTER.grants(Permission.INTERVENE)).isFalse();
    assertThat(Role.OPERATOR.grants(Permission.INTERVENE)).isTrue();
    assertThat(Role.OPERATOR.grants(Permission.SUBMIT)).isFalse();
    assertThat(Role.OPERATOR.grants(Permission.MANAGE_KEYS)).isFalse();
    for (Permission permission : Permission.values()) {
      assertThat(Role.ADMIN.grants(permission)).as(permission.name()).isTrue();
    }
  }

  @Test
  void aPrincipalSeesItsTenantOnlyAndOnlyAnAdminMaySeeEvery() {
    Principal viewer = new Principal("k1", Principal.Source.API_KEY, ACME, Set.of(Role.VIEWER));
    assertThat(viewer.sees(ACME)).isTrue();
    assertThat(viewer.sees(TenantId.DEFAULT)).isFalse();
    assertThat(viewer.allTenants()).isFalse();
    assertThat(viewer.name()).isEqualTo("key:k1");
    Principal admin = new Principal("root", Principal.Source.JWT, null, Set.of(Role.ADMIN));
    assertThat(admin.sees(ACME)).isTrue();
    assertThat(admin.name()).isEqualTo("jwt:root");
    assertThatThrownBy(
            () -> new Principal("k2", Principal.Source.API_KEY, null, Set.of(Role.OPERATOR)))
        .isInstanceOf(IllegalArgumentException.class);
    Principal several =
        new Principal("k3", Principal.Source.API_KEY, ACME, Set.of(Role.OPERATOR, Role.SUBMITTER));
    assertThat(several.may(Permission.SUBMIT)).isTrue();
    assertThat(several.may(Permission.INTERVENE)).isTrue();
    assertThat(several.may(Permission.MANAGE_KEYS)).isFalse();
  }

  @Test
  void rolesAreReadInAnyCaseAndUnknownOnesAreRefused() {
    assertThat(Role.fromWire(" Submitter ")).isEqualTo(Role.SUBMITTER);
    assertThatThrownBy(() -> Role.fromWire("root")).hasMessageContaining("unknown role 'root'");
  }
}
