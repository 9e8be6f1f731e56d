package dev.lattice.persistence.audit;

import java.nio.file.Path;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The keys of the audit chain: the one that signs heads now, and the public keys of earlier ones,
 * kept so that heads they signed still verify after a rotation. A JWS names its key by id.
 */
public final class KeyRing {
  private final Ed25519Keys.SigningKey signing;
  private final Map<String, PublicKey> verifying;

  public KeyRing(Ed25519Keys.SigningKey signing, List<Ed25519Keys.VerifyingKey> trusted) {
    this.signing = signing;
    Map<String, PublicKey> keys = new LinkedHashMap<>();
    for (Ed25519Keys.VerifyingKey key : trusted) {
      keys.put(key.keyId(), key.publicKey());
    }
    keys.put(signing.keyId(), signing.publicKey());
    this.verifying = Map.copyOf(keys);
  }

  /** The keys {@code settings} name, the signing key generated on first start if so configured. */
  public static KeyRing load(AuditSettings settings) {
    Path file = settings.keyFile();
    Ed25519Keys.SigningKey signing = Ed25519Keys.signingKey(file, settings.generateKey());
    List<Ed25519Keys.VerifyingKey> trusted =
        settings.trustedKeys().stream()
            .flatMap(path -> Ed25519Keys.verifyingKeys(path).stream())
            .toList();
    return new KeyRing(signing, trusted);
  }

  public Ed25519Keys.SigningKey signing() {
    return signing;
  }

  /** The public key with id {@code keyId}, if it is the signing key or a trusted one. */
  public Optional<PublicKey> verifying(String keyId) {
    return Optional.ofNullable(keyId).map(verifying::get);
  }
}
