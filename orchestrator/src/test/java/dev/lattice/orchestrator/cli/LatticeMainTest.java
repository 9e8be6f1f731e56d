package dev.lattice.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParseResult;

class LatticeMainTest {

  @Test
  void anAtFileIsLeftForTheOptionThatReadsIt() {
    ParseResult parsed =
        LatticeMain.commandLine()
            .parseArgs(
                "execute",
                "--plan",
                "examples/indexing.json",
                "--payload",
                "@examples/indexing-payload.json",
                "--follow");

    assertThat(parsed.subcommand().matchedOptionValue("--payload", ""))
        .isEqualTo("@examples/indexing-payload.json");
  }
}
