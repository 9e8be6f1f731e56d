package dev.lattice.persistence.audit;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Set;

/**
 * JWS with EdDSA (Ed25519) signed and verified by the JDK's own Ed25519. nimbus-jose-jwt's Ed25519
 * classes need Google Tink, which Lattice does not ship; the JWS itself (header, payload, compact
 * form) is nimbus-jose-jwt's.
 */
final class Ed25519Jws {
  private Ed25519Jws() {}

  /** {@code payload} signed with {@code key}, in compact form; the header names the key. */
  static String sign(Ed25519Keys.SigningKey key, String payload) {
    JWSObject jws =
        new JWSObject(
            new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID(key.keyId()).build(),
            new Payload(payload));
    try {
      jws.sign(new Signer(key.privateKey()));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign an audit chain head: " + e.getMessage(), e);
    }
    return jws.serialize();
  }

  /** Whether {@code jws} is signed by {@code key} with EdDSA. */
  static boolean verify(JWSObject jws, PublicKey key) {
    if (!JWSAlgorithm.EdDSA.equals(jws.getHeader().getAlgorithm())) {
      return false;
    }
    try {
      return jws.verify(new Verifier(key));
    } catch (JOSEException e) {
      return false;
    }
  }

  private abstract static class Ed25519Aware {
    private final JCAContext jca = new JCAContext();

    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
      return Set.of(JWSAlgorithm.EdDSA);
    }

    public JCAContext getJCAContext() {
      return jca;
    }
  }

  private static final class Signer extends Ed25519Aware implements JWSSigner {
    private final PrivateKey key;

    Signer(PrivateKey key) {
      this.key = key;
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
      try {
        Signature ed25519 = Signature.getInstance("Ed25519");
        ed25519.initSign(key);
        ed25519.update(signingInput);
        return Base64URL.encode(ed25519.sign());
      } catch (GeneralSecurityException e) {
        throw new JOSEException(e.getMessage(), e);
      }
    }
  }

  private static final class Verifier extends Ed25519Aware implements JWSVerifier {
    private final PublicKey key;

    Verifier(PublicKey key) {
      this.key = key;
    }

    @Override
    public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature)
        throws JOSEException {
      try {
        Signature ed25519 = Signature.getInstance("Ed25519");
        ed25519.initVerify(key);
        ed25519.update(signingInput);
        return ed25519.verify(signature.decode());
      } catch (GeneralSecurityException e) {
        return false;
      }
    }
  }
}
