package dev.lattice.orchestrator.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Key stores built from the files an operator gives: a private key with its certificate chain (PEM
 * files, or a PKCS#12 or JKS key store), and the certificates to trust (a PEM bundle, or a key
 * store). Everything is read and checked when a node starts, so that a wrong file or password is a
 * clear error then rather than a failed handshake later.
 */
public final class KeyStores {
  /** The alias of the one key entry of a key store built from PEM files. */
  static final String KEY_ALIAS = "lattice";

  private KeyStores() {}

  /** A key store with the private key of {@code privateKey} and the chain of {@code chain}. */
  public static KeyStore fromPem(Path chain, Path privateKey, char[] password) {
    List<X509Certificate> certificates = PemFiles.certificates(readable(chain, "certificate"));
    X509Certificate leaf = certificates.get(0);
    PrivateKey key =
        PemFiles.privateKey(
            readable(privateKey, "private key"), leaf.getPublicKey().getAlgorithm());
    if (!belongTogether(key, leaf)) {
      throw new TlsConfigException(
          "the private key "
              + privateKey
              + " is not the key of the first certificate of "
              + chain
              + " ("
              + leaf.getSubjectX500Principal().getName()
              + ")");
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(KEY_ALIAS, key, password, certificates.toArray(Certificate[]::new));
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new TlsConfigException("cannot hold the key of " + privateKey + ": " + e, e);
    }
  }

  /**
   * The key store in {@code file}, PKCS#12 or JKS (told apart by their content), opened with {@code
   * password}.
   */
  public static KeyStore load(Path file, char[] password) {
    try {
      return KeyStore.getInstance(readable(file, "key store").toFile(), password);
    } catch (IOException | GeneralSecurityException e) {
      // A wrong password ends here too: "keystore password was incorrect".
      throw new TlsConfigException("cannot open the key store " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The certificates to trust in {@code file}: a PEM bundle of one or more certificates, or a key
   * store opened with {@code password}.
   */
  public static KeyStore trusted(Path file, char[] password) {
    if (!PemFiles.isPem(readable(file, "trusted certificates"))) {
      KeyStore store = load(file, password);
      requireCertificates(store, file);
      return store;
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int n = 0;
      for (X509Certificate certificate : PemFiles.certificates(file)) {
        store.setCertificateEntry("trusted-" + n++, certificate);
      }
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new TlsConfigException("cannot hold the certificates of " + file + ": " + e, e);
    }
  }

  /**
   * The certificate authorities this JVM trusts by default (its {@code cacerts}), with those of
   * {@code extra}: what a client that talks both to public services and to the cluster trusts.
   */
  public static KeyStore withDefaultAuthorities(KeyStore extra) {
    try {
      TrustManagerFactory defaults =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      defaults.init((KeyStore) null);
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int n = 0;
      for (var manager : defaults.getTrustManagers()) {
        if (manager instanceof X509TrustManager x509) {
          for (X509Certificate authority : x509.getAcceptedIssuers()) {
            store.setCertificateEntry("default-" + n++, authority);
          }
        }
      }
      for (String alias : Collections.list(extra.aliases())) {
        Certificate certificate = extra.getCertificate(alias);
        if (certificate != null) {
          store.setCertificateEntry("extra-" + n++, certificate);
        }
      }
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new TlsConfigException("cannot read this JVM's trusted authorities: " + e, e);
    }
  }

  /** Whether {@code store} holds at least one private key entry. */
  static boolean hasKey(KeyStore store) {
    try {
      for (String alias : Collections.list(store.aliases())) {
        if (store.isKeyEntry(alias)) {
          return true;
        }
      }
      return false;
    } catch (GeneralSecurityException e) {
      throw new TlsConfigException("cannot read a key store: " + e, e);
    }
  }

  private static void requireCertificates(KeyStore store, Path file) {
    try {
      for (String alias : Collections.list(store.aliases())) {
        if (store.getCertificate(alias) != null) {
          return;
        }
      }
    } catch (GeneralSecurityException e) {
      throw new TlsConfigException("cannot read the key store " + file + ": " + e, e);
    }
    throw new TlsConfigException(file + " holds no certificate to trust");
  }

  private static Path readable(Path file, String what) {
    if (!Files.isReadable(file)) {
      throw new TlsConfigException("cannot read the " + what + " file " + file);
    }
    return file;
  }

  /**
   * Whether {@code key} is the private key of {@code certificate}: it signs a message the
   * certificate's public key verifies. Keys of algorithms not known here are taken on trust (the
   * handshake fails if they do not match).
   */
  private static boolean belongTogether(PrivateKey key, X509Certificate certificate) {
    String signature =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
          default -> null;
        };
    if (signature == null) {
      return true;
    }
    try {
      byte[] message = "lattice".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(signature);
      signer.initSign(key);
      signer.update(message);
      byte[] signed = signer.sign();
      Signature verifier = Signature.getInstance(signature);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(message);
      return verifier.verify(signed);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
