package dev.lattice.worker.action;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProgramAllowListTest {
  @Test
  void refusesLaunchersAndPathsAsEntries() {
    for (String name : new String[] {"env", "sh", "bash", "xargs", "sudo", "timeout", "/bin/ls"}) {
      assertThatThrownBy(() -> new ProgramAllowList(Set.of("ls", name)))
          .as(name)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + name + "'");
    }
  }

  @Test
  void theDefaultConfigurationIsAccepted() {
    ShellSettings defaults =
        ShellSettings.create(ConfigFactory.load().getConfig("lattice.worker.shell"));
    WorkspaceSettings workspace =
        WorkspaceSettings.create(ConfigFactory.load().getConfig("lattice.worker.workspace"));
    assertThatCode(() -> new ShellAction(defaults, workspace)).doesNotThrowAnyException();
  }

  @Test
  void refusesLaunchersInTheWorkspacesListNamingIt() {
    assertThatThrownBy(
            () ->
                new ProgramAllowList(
                    Set.of("javac", "sh"), "lattice.worker.workspace.allowed-commands"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lattice.worker.workspace.allowed-commands holds 'sh'");
  }
}
