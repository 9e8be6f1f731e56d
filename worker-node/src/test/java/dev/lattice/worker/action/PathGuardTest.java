package dev.lattice.worker.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.protocol.agent.ErrorClass;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PathGuardTest {
  @TempDir Path temp;
  private Path root;
  private Path outside;
  private PathGuard guard;

  @BeforeEach
  void layOut() throws Exception {
    root = Files.createDirectories(temp.resolve("work")).toRealPath();
    outside = Files.createDirectories(temp.resolve("outside")).toRealPath();
    Files.createDirectories(root.resolve("a/b"));
    guard = new PathGuard(root);
  }

  private void allowed(String argument) {
    guard.checkArgument(root, root, "arg", argument);
  }

  private void denied(String argument) {
    assertThatThrownBy(() -> allowed(argument))
        .as(argument)
        .isInstanceOfSatisfying(
            ActionException.class,
            e -> assertThat(e.errorClass()).isEqualTo(ErrorClass.POLICY_DENIED))
        .hasMessageContaining("arg '" + argument + "'");
  }

  @Test
  void allowsWordsAndPathsInside() {
    for (String argument :
        new String[] {
          "hello",
          "build ok",
          "-la",
          "-n5",
          "--color=auto",
          "a/b",
          "a/b/../b",
          "./missing/x",
          "-I./a/b",
          "@args.txt",
          "a=b",
          "",
          ".",
          root.toString(),
          root + "/a"
        }) {
      allowed(argument);
    }
  }

  @Test
  void refusesPathsOutsideInEveryPlaceAProgramMayReadOne() {
    for (String argument :
        new String[] {
          "/etc/hostname",
          "..",
          "../work2",
          "a/../../x",
          "--file=/etc/x",
          "if=../x",
          "@/etc/x",
          "-I/usr/include",
          "-xf/etc/x",
          "-o../x",
          "~",
          "~/x",
          "--config=~/x"
        }) {
      denied(argument);
    }
  }

  @Test
  void followsLinksTheWayTheKernelDoes() throws Exception {
    Files.createSymbolicLink(root.resolve("up"), outside);
    Files.createSymbolicLink(root.resolve("deep"), root.resolve("a/b"));
    Files.createSymbolicLink(root.resolve("relative"), Path.of("a/b"));
    Files.createSymbolicLink(root.resolve("loop"), Path.of("loop"));
    denied("up");
    denied("up/x");
    denied("-Iup");
    // The parent of deep's target is a, which is inside; lexically it would be root itself.
    assertThat(PathGuard.resolve(root, "deep/..")).isEqualTo(root.resolve("a"));
    assertThat(PathGuard.resolve(root, "relative/../..")).isEqualTo(root);
    allowed("deep/../b");
    // A name through a missing directory cannot hide a link that leaves.
    denied("missing/../up/x");
    assertThatThrownBy(() -> allowed("loop"))
        .isInstanceOfSatisfying(
            ActionException.class,
            e -> assertThat(e.errorClass()).isEqualTo(ErrorClass.INVALID_INPUT));
  }

  @Test
  void resolvesAWorkdirAndRefusesOneThatLeaves() throws Exception {
    Files.createSymbolicLink(root.resolve("up"), outside);
    assertThat(guard.directory(root, "a/b")).isEqualTo(root.resolve("a/b"));
    assertThat(guard.directory(root, null)).isEqualTo(root);
    assertThatThrownBy(() -> guard.directory(root, "up"))
        .hasMessageContaining("input.workdir 'up'");
    assertThatThrownBy(() -> guard.directory(root, "a/missing"))
        .isInstanceOfSatisfying(
            ActionException.class,
            e -> assertThat(e.errorClass()).isEqualTo(ErrorClass.INVALID_INPUT));
  }

  @Test
  void readsTheWorkingDirectorysRealPath() throws Exception {
    Path alias = Files.createSymbolicLink(temp.resolve("alias"), root);
    assertThat(new PathGuard(alias).root()).isEqualTo(root);
  }
}
