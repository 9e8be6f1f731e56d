package dev.lattice.persistence.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hashes of the audit chain (SHA-256, lower-case hex). A row's hash covers a canonical encoding
 * of its fields: a version tag, then chain, seq, prev_hash, recorded_at, run_id, bus_key and
 * digest, each as its length in bytes (4 bytes, big-endian) followed by its UTF-8 bytes, absent
 * values as length -1. Length prefixes keep two different rows from ever encoding alike ("a" + "bc"
 * is not "ab" + "c"). The digest is the SHA-256 of the row's entries exactly as stored, so
 * retention can empty a deleted run's entries and leave the row, and the chain, verifiable.
 */
public final class AuditHash {
  /** The encoding's version; a change of encoding would be a new tag. */
  static final String VERSION = "lattice-audit-chain-1";

  private static final HexFormat HEX = HexFormat.of();

  private AuditHash() {}

  /** The digest of a row's stored entries text. */
  public static String digest(String entries) {
    return HEX.formatHex(sha256().digest(entries.getBytes(StandardCharsets.UTF_8)));
  }

  /** The hash of a row with these fields. */
  public static String row(
      String chain,
      long seq,
      String prevHash,
      long recordedAt,
      String runId,
      String busKey,
      String digest) {
    MessageDigest sha = sha256();
    field(sha, VERSION);
    field(sha, chain);
    field(sha, Long.toString(seq));
    field(sha, prevHash);
    field(sha, Long.toString(recordedAt));
    field(sha, runId);
    field(sha, busKey);
    field(sha, digest);
    return HEX.formatHex(sha.digest());
  }

  private static void field(MessageDigest sha, String value) {
    if (value == null) {
      sha.update(new byte[] {-1, -1, -1, -1});
      return;
    }
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    int n = bytes.length;
    sha.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
    sha.update(bytes);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform must provide SHA-256.
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
