package dev.lattice.orchestrator.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Certificates and private keys in PEM files, as openssl, cert-manager and most certificate
 * authorities write them.
 *
 * <p>A private key must be unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}), what {@code openssl
 * genpkey} and {@code openssl req -newkey} write. The older PKCS#1 and SEC 1 forms ({@code BEGIN
 * RSA PRIVATE KEY}, {@code BEGIN EC PRIVATE KEY}) are refused with the command that converts them;
 * a key that needs a password belongs in a PKCS#12 key store instead.
 */
final class PemFiles {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----");

  private static final String PKCS8 = "PRIVATE KEY";

  private PemFiles() {}

  /** Whether {@code file} is PEM text (rather than a binary key store). */
  static boolean isPem(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] start = in.readNBytes(512);
      return new String(start, StandardCharsets.US_ASCII).contains("-----BEGIN ");
    } catch (IOException e) {
      throw new TlsConfigException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Every certificate of {@code file}, in order: a server's chain starts with its own. */
  static List<X509Certificate> certificates(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      List<X509Certificate> certificates =
          CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
              .map(X509Certificate.class::cast)
              .toList();
      if (certificates.isEmpty()) {
        throw new TlsConfigException(
            file + " holds no certificate (expected PEM: BEGIN CERTIFICATE)");
      }
      return certificates;
    } catch (IOException | CertificateException e) {
      throw new TlsConfigException(
          "cannot read the certificates in " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The private key of {@code file}, of the algorithm of the certificate it belongs to ({@code
   * RSA}, {@code EC}, {@code EdDSA}...).
   */
  static PrivateKey privateKey(Path file, String algorithm) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new TlsConfigException(
          "cannot read the private key " + file + ": " + e.getMessage(), e);
    }
    Matcher block = BLOCK.matcher(text);
    while (block.find()) {
      String type = block.group(1);
      if (type.equals(PKCS8)) {
        return decode(file, block.group(2), algorithm);
      }
      if (type.endsWith(PKCS8)) {
        throw new TlsConfigException(unsupported(file, type));
      }
    }
    throw new TlsConfigException(file + " holds no private key (expected PEM: BEGIN PRIVATE KEY)");
  }

  private static PrivateKey decode(Path file, String base64, String algorithm) {
    try {
      byte[] der = Base64.getMimeDecoder().decode(base64);
      return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new TlsConfigException(
          "cannot read the private key "
              + file
              + " as a "
              + algorithm
              + " key (the certificate's algorithm): "
              + e.getMessage(),
          e);
    }
  }

  private static String unsupported(Path file, String type) {
    if (type.startsWith("ENCRYPTED")) {
      return file
          + " holds an encrypted private key: give the key unencrypted, in a file only the node's"
          + " user can read, or put it in a PKCS#12 key store with its password (key-store,"
          + " key-store-password-file)";
    }
    return file
        + " holds a "
        + type
        + " (PKCS#1 or SEC 1); convert it to PKCS#8 with: openssl pkcs8 -topk8 -nocrypt -in "
        + file
        + " -out KEY.pem";
  }
}
