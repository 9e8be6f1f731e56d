package dev.lattice.orchestrator.http.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * API keys and their ids: {@code lt_} and 256 random bits (base64url), stored only as their
 * SHA-256. A key this random needs no slow, salted hash: no one can guess it, nor find it from its
 * hash.
 */
public final class KeyMaterial {
  /** How every API key begins, so that secret scanners and people can tell what it is. */
  public static final String PREFIX = "lt_";

  private static final int KEY_BYTES = 32;
  private static final int ID_BYTES = 9;
  private static final Pattern KEY = Pattern.compile("lt_[A-Za-z0-9_-]{43}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private KeyMaterial() {}

  /** A new key. */
  public static String newKey() {
    return PREFIX + random(KEY_BYTES);
  }

  /** A new key id, {@code key_} and 72 random bits: unique, and says nothing of the key. */
  public static String newId() {
    return "key_" + random(ID_BYTES);
  }

  /** Whether {@code value} has the form of a key (no key of another form is looked up). */
  public static boolean looksLikeKey(String value) {
    return KEY.matcher(value).matches();
  }

  /** The SHA-256 of {@code key}, as 64 lower-case hex digits: what is stored of it. */
  public static String hash(String key) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** {@code bytes} random bytes, base64url without padding. */
  static String random(int bytes) {
    byte[] value = new byte[bytes];
    RANDOM.nextBytes(value);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
  }
}
