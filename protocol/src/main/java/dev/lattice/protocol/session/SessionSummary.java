package dev.lattice.protocol.session;

/**
 * What a session's summary policy made of its older messages.
 *
 * @param content the summary's text, sent before the session's messages
 * @param hash the SHA-256 of its stored content ({@code sha256:HEX})
 * @param covers the messages it stands for: those whose {@code seq} is below this
 */
public record SessionSummary(String content, String hash, long covers) {}
