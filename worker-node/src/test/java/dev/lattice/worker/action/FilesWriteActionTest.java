package dev.lattice.worker.action;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.agent.ErrorClass;
import dev.lattice.protocol.agent.ToolEffect;
import dev.lattice.protocol.ids.AgentId;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.plan.Budget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesWriteActionTest {
  private static final int MAX_FILES = 3;
  private static final int MAX_FILE_BYTES = 64;
  private static final int MAX_TOTAL_BYTES = 100;

  @TempDir Path temp;
  private Path root;
  private Path outside;
  private FilesWriteAction files;

  private final ActionContext context =
      new ActionContext(
          AgentId.of("t.files"), Executors.newCachedThreadPool(), LatticeJson.mapper());

  @BeforeEach
  void layOut() throws Exception {
    root = temp.resolve("workspaces");
    outside = Files.createDirectories(temp.resolve("outside")).toRealPath();
    files =
        new FilesWriteAction(
            new WorkspaceSettings(root, Set.of(), MAX_FILES, MAX_FILE_BYTES, MAX_TOTAL_BYTES));
  }

  private JsonNode write(String runId, String inputJson) {
    try {
      JsonNode input = LatticeJson.mapper().readTree(inputJson.replace('\'', '"'));
      ActionRequest request =
          new ActionRequest(
              runId,
              "write",
              1,
              runId + "/write/1",
              "default",
              FilesWriteAction.NAME,
              null,
              Budget.UNLIMITED,
              Instant.now().plusSeconds(5),
              input,
              List.of());
      return files.execute(request, context).toCompletableFuture().join().output();
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private JsonNode write(String inputJson) {
    return write("run-1", inputJson);
  }

  private static String oneFile(String path) {
    return "{'files': [{'path': '" + path + "', 'content': 'x'}]}";
  }

  private ActionException failure(String inputJson) {
    try {
      write(inputJson);
    } catch (CompletionException e) {
      return (ActionException) e.getCause();
    }
    throw new AssertionError("expected a failure of " + inputJson);
  }

  private Path workspace() throws Exception {
    return Files.createDirectories(root.resolve("run-1")).toRealPath();
  }

  @Test
  void writesTheFilesUnderTheRunsWorkspace() throws Exception {
    JsonNode out =
        write(
            "{'files': [{'path': 'Main.java', 'content': 'class Main {}'},"
                + " {'path': 'src/test/T.java', 'content': 'héllo'}]}");
    Path workspace = workspace();
    assertThat(out.get("workspace").asText()).isEqualTo(workspace.toString());
    assertThat(Files.readString(workspace.resolve("Main.java"))).isEqualTo("class Main {}");
    assertThat(Files.readString(workspace.resolve("src/test/T.java"))).isEqualTo("héllo");
    assertThat(out.get("files").get(1).get("path").asText()).isEqualTo("src/test/T.java");
    assertThat(out.get("files").get(1).get("bytes").asInt()).isEqualTo(6);
    assertThat(out.get("files").get(0).get("sha256").asText()).hasSize(64);
  }

  @Test
  void eachRunWritesInAWorkspaceOfItsOwn() throws Exception {
    write("run-1", oneFile("same.txt"));
    write("run-2", "{'files': [{'path': 'same.txt', 'content': 'two'}]}");
    assertThat(Files.readString(root.resolve("run-1/same.txt"))).isEqualTo("x");
    assertThat(Files.readString(root.resolve("run-2/same.txt"))).isEqualTo("two");
  }

  @Test
  void repeatingAWriteChangesNothingAndANewContentReplacesTheOld() throws Exception {
    write(oneFile("a.txt"));
    Path file = workspace().resolve("a.txt");
    FileTime before = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
    Files.setLastModifiedTime(file, before);
    JsonNode again = write(oneFile("a.txt"));
    assertThat(Files.getLastModifiedTime(file)).isEqualTo(before);
    assertThat(again.get("files").get(0).get("bytes").asInt()).isEqualTo(1);
    write("{'files': [{'path': 'a.txt', 'content': 'new'}]}");
    assertThat(Files.readString(file)).isEqualTo("new");
    try (Stream<Path> left = Files.list(workspace())) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("a.txt");
    }
  }

  @Test
  void refusesAbsolutePathsAndPathsThatClimb() throws Exception {
    for (String path : List.of("/etc/passwd", outside + "/x", "..", "../run-2/x", "a/../b")) {
      ActionException e = failure(oneFile(path));
      assertThat(e.errorClass()).as(path).isEqualTo(ErrorClass.POLICY_DENIED);
      assertThat(e.getMessage())
          .as(path)
          .contains("input.files[0].path '" + path + "'")
          .contains("files may only be written inside the run's workspace");
    }
    assertThat(outside.resolve("x")).doesNotExist();
    assertThat(root.resolve("run-2")).doesNotExist();
  }

  @Test
  void refusesALinkThatLeadsOutOfTheWorkspace() throws Exception {
    Path workspace = workspace();
    Files.createSymbolicLink(workspace.resolve("out"), outside);
    Files.createSymbolicLink(workspace.resolve("passwd"), outside.resolve("passwd"));
    // Dangling: the write would create the file it points at.
    Files.createSymbolicLink(workspace.resolve("new"), outside.resolve("new.txt"));
    for (String path : List.of("out/x.txt", "passwd", "new", "out/../escaped")) {
      ActionException e = failure(oneFile(path));
      assertThat(e.errorClass()).as(path).isEqualTo(ErrorClass.POLICY_DENIED);
    }
    ActionException e = failure(oneFile("out/x.txt"));
    assertThat(e.getMessage()).contains("leads to " + outside.resolve("x.txt") + ", outside");
    try (Stream<Path> written = Files.list(outside)) {
      assertThat(written).isEmpty();
    }
  }

  @Test
  void followsALinkThatStaysInside() throws Exception {
    Path workspace = workspace();
    Files.createDirectories(workspace.resolve("src"));
    Files.createSymbolicLink(workspace.resolve("alias"), workspace.resolve("src"));
    JsonNode out = write(oneFile("alias/a.txt"));
    assertThat(workspace.resolve("src/a.txt")).hasContent("x");
    assertThat(out.get("files").get(0).get("path").asText()).isEqualTo("src/a.txt");
  }

  @Test
  void aStepWithOneBadPathWritesNothing() throws Exception {
    ActionException e =
        failure(
            "{'files': [{'path': 'good.txt', 'content': 'x'}, {'path': '../bad', 'content': 'x'}]}");
    assertThat(e.getMessage()).contains("input.files[1].path '../bad'");
    assertThat(workspace().resolve("good.txt")).doesNotExist();
  }

  @Test
  void refusesPathsThatNameNoFile() throws Exception {
    Files.createDirectories(workspace().resolve("dir"));
    write(oneFile("file.txt"));
    for (String path : List.of("", " ", ".", "dir", "file.txt/under", "nul\u0000byte")) {
      ActionException e = failure(oneFile(path.replace("\u0000", "\\u0000")));
      assertThat(e.errorClass()).as(path).isEqualTo(ErrorClass.INVALID_INPUT);
      assertThat(e.getMessage()).as(path).contains("input.files[0]");
    }
  }

  @Test
  void holdsEveryStepToTheConfiguredCountsAndSizes() {
    String big = "x".repeat(MAX_FILE_BYTES + 1);
    String half = "x".repeat(MAX_FILE_BYTES - 1);
    assertThat(
            failure(
                    "{'files': [{'path': 'a', 'content': ''}, {'path': 'b', 'content': ''},"
                        + " {'path': 'c', 'content': ''}, {'path': 'd', 'content': ''}]}")
                .getMessage())
        .contains("holds 4 files; lattice.worker.workspace.max-files allows 3");
    assertThat(failure("{'files': [{'path': 'a', 'content': '" + big + "'}]}").getMessage())
        .contains("input.files[0] has 65 bytes; lattice.worker.workspace.max-file-size allows 64");
    assertThat(
            failure(
                    "{'files': [{'path': 'a', 'content': '"
                        + half
                        + "'}, {'path': 'b', 'content': '"
                        + half
                        + "'}]}")
                .getMessage())
        .contains("hold 126 bytes; lattice.worker.workspace.max-total-size allows 100");
  }

  @Test
  void refusesInputOfAnotherShape() {
    for (String input :
        List.of(
            "{}",
            "{'files': []}",
            "{'files': {'path': 'a', 'content': 'x'}}",
            "{'files': [{'path': 'a'}]}",
            "{'files': [{'path': 'a', 'content': 1}]}",
            "{'files': [{'path': 'a', 'content': 'x', 'mode': '755'}]}",
            "{'files': [{'path': 'a', 'content': 'x'}], 'clean': true}",
            "{'files': [{'path': 'a', 'content': 'x'}, {'path': 'a', 'content': 'y'}]}")) {
      assertThat(failure(input).errorClass()).as(input).isEqualTo(ErrorClass.INVALID_INPUT);
    }
  }

  @Test
  void isOfferedAsAToolThatIsSafeToRepeat() {
    assertThat(files.describe(FilesWriteAction.NAME).effect()).isEqualTo(ToolEffect.IDEMPOTENT);
    assertThat(files.describe(FilesWriteAction.NAME).inputSchema().path("required").get(0).asText())
        .isEqualTo("files");
  }
}
