package dev.lattice.protocol.session;

/**
 * One message a session holds, as the API shows it.
 *
 * @param seq its place in the session: the messages ever appended to it before it
 * @param role {@code user} or {@code assistant}
 * @param content its text
 * @param hash the SHA-256 of its stored content ({@code sha256:HEX}): the same text is stored once,
 *     however many sessions and exchanges hold it
 */
public record SessionMessage(long seq, String role, String content, String hash) {}
