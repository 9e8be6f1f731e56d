package dev.lattice.orchestrator.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Certificate authorities and certificates made at test time (EC P-256, signed SHA256withECDSA),
 * with the JDK alone: no key or certificate is ever committed. A certificate is valid for a day
 * from an hour ago, names its hosts as subject alternative names, and may serve both as a TLS
 * server and client (nodes are both).
 *
 * <p>It writes what Lattice reads: PEM chains and PKCS#8 keys, PKCS#12 key and trust stores.
 */
public final class TestPki {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String SIGNATURE = "SHA256withECDSA";
  private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
  private static final String COMMON_NAME = "2.5.4.3";
  private static final String BASIC_CONSTRAINTS = "2.5.29.19";
  private static final String KEY_USAGE = "2.5.29.15";
  private static final String EXTENDED_KEY_USAGE = "2.5.29.37";
  private static final String SUBJECT_ALT_NAME = "2.5.29.17";
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

  /** Key usage bits (bit 0 is the most significant bit of the first byte). */
  private static final int DIGITAL_SIGNATURE = 0x80;

  private static final int KEY_CERT_SIGN = 0x04;
  private static final int CRL_SIGN = 0x02;

  private static final Duration VALIDITY = Duration.ofDays(1);
  private static final DateTimeFormatter UTC_TIME =
      DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

  private TestPki() {}

  /** A private key and its certificate chain (its own certificate first). */
  public record Issued(PrivateKey key, List<X509Certificate> chain) {
    /** Writes the chain as PEM to {@code certificate} and the key as PKCS#8 PEM to {@code key}. */
    public void writePem(Path certificate, Path key) {
      StringBuilder pem = new StringBuilder();
      for (X509Certificate c : chain) {
        pem.append(pem("CERTIFICATE", encoded(c)));
      }
      write(certificate, pem.toString());
      write(key, pem("PRIVATE KEY", key().getEncoded()));
    }

    /** Writes a PKCS#12 key store with the key and chain, under {@code password}. */
    public void writeKeyStore(Path file, String password) {
      try {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("node", key, password.toCharArray(), chain.toArray(Certificate[]::new));
        store(store, file, password);
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** A certificate authority: it issues certificates. */
  public record Authority(KeyPair keys, X509Certificate certificate) {
    /** A certificate for {@code hosts} (DNS names or IP addresses), signed by this authority. */
    public Issued issue(String name, String... hosts) {
      KeyPair pair = keyPair();
      byte[] extensions =
          sequence(
              extension(BASIC_CONSTRAINTS, true, sequence()),
              extension(KEY_USAGE, true, keyUsage(DIGITAL_SIGNATURE)),
              extension(EXTENDED_KEY_USAGE, false, sequence(oid(SERVER_AUTH), oid(CLIENT_AUTH))),
              extension(SUBJECT_ALT_NAME, false, alternativeNames(hosts)));
      X509Certificate issued =
          sign(
              certificate.getSubjectX500Principal().getEncoded(),
              name(name),
              pair,
              keys.getPrivate(),
              extensions);
      return new Issued(pair.getPrivate(), List.of(issued, certificate));
    }

    /** Writes the authority's certificate as PEM. */
    public void writeCertificate(Path file) {
      write(file, pem("CERTIFICATE", encoded(certificate)));
    }

    /** Writes a PKCS#12 trust store holding the authority's certificate, under {@code password}. */
    public void writeTrustStore(Path file, String password) {
      try {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", certificate);
        store(store, file, password);
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** A new self-signed authority named {@code name}. */
  public static Authority authority(String name) {
    KeyPair pair = keyPair();
    byte[] subject = name(name);
    byte[] extensions =
        sequence(
            extension(BASIC_CONSTRAINTS, true, sequence(bool(true))),
            extension(KEY_USAGE, true, keyUsage(DIGITAL_SIGNATURE | KEY_CERT_SIGN | CRL_SIGN)));
    return new Authority(pair, sign(subject, subject, pair, pair.getPrivate(), extensions));
  }

  private static KeyPair keyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An X.509 v3 certificate of {@code subject}'s public key, signed with {@code signer}. */
  private static X509Certificate sign(
      byte[] issuer, byte[] subject, KeyPair subjectKeys, PrivateKey signer, byte[] extensions) {
    Instant now = Instant.now();
    byte[] algorithm = sequence(oid(ECDSA_WITH_SHA256));
    byte[] tbs =
        sequence(
            tlv(0xA0, integer(BigInteger.TWO)),
            integer(new BigInteger(64, RANDOM).add(BigInteger.ONE)),
            algorithm,
            issuer,
            sequence(time(now.minus(Duration.ofHours(1))), time(now.plus(VALIDITY))),
            subject,
            subjectKeys.getPublic().getEncoded(),
            tlv(0xA3, extensions));
    try {
      Signature signature = Signature.getInstance(SIGNATURE);
      signature.initSign(signer);
      signature.update(tbs);
      byte[] certificate = sequence(tbs, algorithm, bitString(signature.sign(), 0));
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new java.io.ByteArrayInputStream(certificate));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] name(String commonName) {
    return sequence(
        tlv(
            0x31,
            sequence(oid(COMMON_NAME), tlv(0x0C, commonName.getBytes(StandardCharsets.UTF_8)))));
  }

  private static byte[] alternativeNames(String... hosts) {
    List<byte[]> names = new ArrayList<>();
    for (String host : hosts) {
      if (host.matches("[0-9.]+")) {
        try {
          names.add(tlv(0x87, InetAddress.getByName(host).getAddress()));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      } else {
        names.add(tlv(0x82, host.getBytes(StandardCharsets.US_ASCII)));
      }
    }
    return sequence(names.toArray(byte[][]::new));
  }

  private static byte[] extension(String id, boolean critical, byte[] value) {
    return critical
        ? sequence(oid(id), bool(true), tlv(0x04, value))
        : sequence(oid(id), tlv(0x04, value));
  }

  private static byte[] keyUsage(int bits) {
    return bitString(new byte[] {(byte) bits}, Integer.numberOfTrailingZeros(bits));
  }

  private static byte[] time(Instant instant) {
    return tlv(0x17, UTC_TIME.format(instant).getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] bool(boolean value) {
    return tlv(0x01, new byte[] {(byte) (value ? 0xFF : 0)});
  }

  private static byte[] integer(BigInteger value) {
    return tlv(0x02, value.toByteArray());
  }

  private static byte[] bitString(byte[] bits, int unused) {
    byte[] content = new byte[bits.length + 1];
    content[0] = (byte) unused;
    System.arraycopy(bits, 0, content, 1, bits.length);
    return tlv(0x03, content);
  }

  private static byte[] oid(String dotted) {
    String[] parts = dotted.split("\\.");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(Integer.parseInt(parts[0]) * 40 + Integer.parseInt(parts[1]));
    for (int i = 2; i < parts.length; i++) {
      long value = Long.parseLong(parts[i]);
      int groups = Math.max(1, (64 - Long.numberOfLeadingZeros(value) + 6) / 7);
      for (int g = groups - 1; g >= 0; g--) {
        int septet = (int) ((value >> (7 * g)) & 0x7F);
        out.write(g == 0 ? septet : septet | 0x80);
      }
    }
    return tlv(0x06, out.toByteArray());
  }

  private static byte[] sequence(byte[]... parts) {
    return tlv(0x30, parts);
  }

  /** A DER tag-length-value with the concatenation of {@code parts} as value. */
  private static byte[] tlv(int tag, byte[]... parts) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      content.writeBytes(part);
    }
    int length = content.size();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    if (length < 0x80) {
      out.write(length);
    } else {
      int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(length >> (8 * i));
      }
    }
    out.writeBytes(content.toByteArray());
    return out.toByteArray();
  }

  private static byte[] encoded(X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void store(KeyStore store, Path file, String password)
      throws IOException, GeneralSecurityException {
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, password.toCharArray());
    }
  }
}
