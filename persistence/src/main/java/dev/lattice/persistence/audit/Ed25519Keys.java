package dev.lattice.persistence.audit;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Ed25519 keys of the audit chain in the forms an operator has them: a JWK ({@code OKP}, curve
 * {@code Ed25519}, as JSON, alone or in a JWK set) or PEM ({@code PRIVATE KEY}, PKCS#8, for the
 * signing key; {@code PUBLIC KEY}, X.509, for an earlier key kept to verify the heads it signed).
 * The JDK signs and verifies; nimbus-jose-jwt only reads and writes the JOSE forms. A key's id is
 * its JWK's {@code kid}, else its RFC 7638 thumbprint.
 */
public final class Ed25519Keys {
  // The fixed DER prefixes of an Ed25519 key's encodings, before its 32 raw bytes (RFC 8410).
  private static final byte[] PKCS8_PREFIX = hex("302e020100300506032b657004220420");
  private static final byte[] X509_PREFIX = hex("302a300506032b6570032100");
  private static final int KEY_BYTES = 32;

  /** A signing key: its id and both halves. */
  public record SigningKey(String keyId, PrivateKey privateKey, PublicKey publicKey) {}

  /** A key that verifies: its id and public half. */
  public record VerifyingKey(String keyId, PublicKey publicKey) {}

  private Ed25519Keys() {}

  /**
   * The signing key in {@code file}; when {@code generate} and the file does not exist, a new key
   * written there first, readable by its owner only.
   */
  public static SigningKey signingKey(Path file, boolean generate) {
    try {
      if (generate && !Files.exists(file)) {
        write(file, generated());
      }
      String text = Files.readString(file, StandardCharsets.UTF_8);
      return text.contains("-----BEGIN") ? fromPem(text) : fromJwk(OctetKeyPair.parse(text));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the audit signing key " + file, e);
    } catch (ParseException | GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the audit signing key " + file + " is not an Ed25519 key: " + e.getMessage(), e);
    }
  }

  /** The public keys in {@code file}: a PEM public key, a JWK, or a JWK set. */
  public static List<VerifyingKey> verifyingKeys(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      if (text.contains("-----BEGIN")) {
        PublicKey key = publicKey(pemBody(text));
        return List.of(new VerifyingKey(thumbprint(key), key));
      }
      List<JWK> jwks =
          text.contains("\"keys\"") ? JWKSet.parse(text).getKeys() : List.of(JWK.parse(text));
      List<VerifyingKey> keys = new ArrayList<>();
      for (JWK jwk : jwks) {
        OctetKeyPair okp = jwk.toOctetKeyPair();
        keys.add(new VerifyingKey(keyId(okp), publicKey(okp.getX().decode())));
      }
      return keys;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the audit key " + file, e);
    } catch (ParseException | GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the audit key " + file + " is not an Ed25519 public key: " + e.getMessage(), e);
    }
  }

  /** {@code key}'s public half as a JWK (to keep after a rotation, or to give an auditor). */
  public static String publicJwk(SigningKey key) {
    return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(raw(key.publicKey())))
        .keyID(key.keyId())
        .build()
        .toJSONString();
  }

  private static OctetKeyPair generated() throws GeneralSecurityException {
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    byte[] d = Arrays.copyOfRange(pair.getPrivate().getEncoded(), PKCS8_PREFIX.length, 48);
    OctetKeyPair jwk =
        new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(raw(pair.getPublic())))
            .d(Base64URL.encode(d))
            .build();
    return new OctetKeyPair.Builder(jwk).keyID(thumbprint(pair.getPublic())).build();
  }

  private static void write(Path file, OctetKeyPair jwk) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: created with its default permissions.
      Files.createFile(file);
    } catch (FileAlreadyExistsException e) {
      // Another node on the same data directory was first; its key stands.
      return;
    }
    Files.writeString(file, jwk.toJSONString() + "\n", StandardCharsets.UTF_8);
  }

  private static SigningKey fromJwk(OctetKeyPair jwk) throws GeneralSecurityException {
    if (!Curve.Ed25519.equals(jwk.getCurve()) || jwk.getD() == null) {
      throw new IllegalArgumentException("a JWK of curve Ed25519 with its private part (d)");
    }
    PrivateKey privateKey = privateKey(jwk.getD().decode());
    PublicKey publicKey = publicKey(jwk.getX().decode());
    return new SigningKey(keyId(jwk), privateKey, publicKey);
  }

  private static SigningKey fromPem(String text) throws GeneralSecurityException {
    byte[] der = pemBody(text);
    PrivateKey privateKey =
        KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
    // PKCS#8 v1 holds no public key; the private key's raw bytes give it.
    byte[] seed = Arrays.copyOfRange(der, der.length - KEY_BYTES, der.length);
    PublicKey publicKey = derivePublic(seed);
    return new SigningKey(thumbprint(publicKey), privateKey, publicKey);
  }

  /** The public key of the private key whose raw bytes are {@code seed}. */
  private static PublicKey derivePublic(byte[] seed) throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
    generator.initialize(255, new FixedSeed(seed));
    return generator.generateKeyPair().getPublic();
  }

  private static PrivateKey privateKey(byte[] raw) throws GeneralSecurityException {
    return KeyFactory.getInstance("Ed25519")
        .generatePrivate(new PKCS8EncodedKeySpec(concat(PKCS8_PREFIX, raw)));
  }

  static PublicKey publicKey(byte[] rawOrDer) throws GeneralSecurityException {
    byte[] der = rawOrDer.length == KEY_BYTES ? concat(X509_PREFIX, rawOrDer) : rawOrDer;
    return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
  }

  private static byte[] raw(PublicKey key) {
    byte[] der = key.getEncoded();
    return Arrays.copyOfRange(der, der.length - KEY_BYTES, der.length);
  }

  private static String keyId(OctetKeyPair jwk) {
    try {
      return jwk.getKeyID() != null ? jwk.getKeyID() : jwk.computeThumbprint().toString();
    } catch (com.nimbusds.jose.JOSEException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  private static String thumbprint(PublicKey key) {
    return keyId(new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(raw(key))).build());
  }

  private static byte[] pemBody(String text) {
    String body = text.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", "");
    return Base64.getDecoder().decode(body);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  private static byte[] hex(String text) {
    return java.util.HexFormat.of().parseHex(text);
  }

  /** A source of randomness that yields one given seed: derives a key pair from its private key. */
  private static final class FixedSeed extends java.security.SecureRandom {
    private final byte[] seed;

    FixedSeed(byte[] seed) {
      this.seed = seed.clone();
    }

    @Override
    public void nextBytes(byte[] bytes) {
      System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
    }
  }
}
