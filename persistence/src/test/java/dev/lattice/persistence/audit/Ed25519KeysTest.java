package dev.lattice.persistence.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit signing key: generated on first start into a file only its owner reads, the same key on
 * the next start; read from PEM or JWK; heads it signs verify with its public half as PEM, JWK or a
 * JWK set, and its id is in the JWS header; a file that is not an Ed25519 key is refused clearly.
 */
class Ed25519KeysTest {
  @TempDir Path dir;

  @Test
  void aGeneratedKeyIsOwnerOnlyAndStaysTheSameAcrossStarts() throws Exception {
    Path file = dir.resolve("data/audit-signing-key.jwk");
    Ed25519Keys.SigningKey first = Ed25519Keys.signingKey(file, true);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    Ed25519Keys.SigningKey again = Ed25519Keys.signingKey(file, true);
    assertThat(again.keyId()).isEqualTo(first.keyId());
    assertThat(again.publicKey()).isEqualTo(first.publicKey());

    String jws = Ed25519Jws.sign(first, "{\"chain\":\"policy\"}");
    JWSObject parsed = JWSObject.parse(jws);
    assertThat(parsed.getHeader().getKeyID()).isEqualTo(first.keyId());
    assertThat(parsed.getHeader().getAlgorithm().getName()).isEqualTo("EdDSA");
    Path publicJwk = Files.writeString(dir.resolve("old.jwk"), Ed25519Keys.publicJwk(first));
    List<Ed25519Keys.VerifyingKey> trusted = Ed25519Keys.verifyingKeys(publicJwk);
    assertThat(trusted)
        .singleElement()
        .satisfies(k -> assertThat(k.keyId()).isEqualTo(first.keyId()));
    assertThat(Ed25519Jws.verify(parsed, trusted.get(0).publicKey())).isTrue();
    Path set =
        Files.writeString(
            dir.resolve("set.json"), "{\"keys\": [" + Ed25519Keys.publicJwk(first) + "]}");
    assertThat(Ed25519Keys.verifyingKeys(set)).hasSize(1);
    assertThat(Files.readString(publicJwk)).doesNotContain("\"d\"");
  }

  @Test
  void aPemKeySignsAndItsPemPublicHalfVerifies() throws Exception {
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Path privatePem =
        Files.writeString(
            dir.resolve("key.pem"), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
    Path publicPem =
        Files.writeString(
            dir.resolve("key.pub.pem"), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
    Ed25519Keys.SigningKey key = Ed25519Keys.signingKey(privatePem, false);
    assertThat(key.publicKey()).isEqualTo(pair.getPublic());
    List<Ed25519Keys.VerifyingKey> trusted = Ed25519Keys.verifyingKeys(publicPem);
    assertThat(trusted.get(0).keyId()).isEqualTo(key.keyId());
    assertThat(
            Ed25519Jws.verify(
                JWSObject.parse(Ed25519Jws.sign(key, "{}")), trusted.get(0).publicKey()))
        .isTrue();
  }

  @Test
  void aFileThatIsNotAnEd25519KeyIsRefusedWithItsName() throws Exception {
    Path rsa =
        Files.writeString(
            dir.resolve("rsa.jwk"), "{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}");
    assertThatThrownBy(() -> Ed25519Keys.signingKey(rsa, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rsa.jwk");
    assertThatThrownBy(() -> Ed25519Keys.signingKey(dir.resolve("missing.pem"), false))
        .hasMessageContaining("missing.pem");
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder().encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
