package dev.lattice.orchestrator.cli;

import picocli.CommandLine.Command;

/** {@code lattice agent ...}: work with one agent of the cluster. */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = "Work with one agent: exec runs it on a task.",
    subcommands = {AgentExecCommand.class})
final class AgentCommand {}
