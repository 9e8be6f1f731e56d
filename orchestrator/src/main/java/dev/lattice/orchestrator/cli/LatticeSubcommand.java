package dev.lattice.orchestrator.cli;

/**
 * A subcommand of {@code lattice} contributed by another module (found with {@link
 * java.util.ServiceLoader}); the implementing class must be a picocli {@code @Command}.
 */
public interface LatticeSubcommand {}
