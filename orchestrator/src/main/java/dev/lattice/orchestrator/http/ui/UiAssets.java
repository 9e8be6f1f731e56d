package dev.lattice.orchestrator.http.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The dashboard's files, read once from the {@code ui/} folder beside this class (in the jar, or in
 * the build's classes folder) and held in memory: a few dozen small files, served without touching
 * the class path again. Their {@link #version()} is a hash of all of them, put in the assets' URLs
 * ({@code /ui/assets/VERSION/app.js}), so that browsers may keep an asset for good and a node with
 * other files is asked for new ones. The pages refer to the assets through the placeholder {@value
 * #ASSETS_PLACEHOLDER}, replaced by that URL prefix.
 */
public final class UiAssets {
  /** Where the files are, on the class path. */
  static final String ROOT = "ui/";

  /** What the pages write where the assets' URL prefix goes. */
  public static final String ASSETS_PLACEHOLDER = "@ASSETS@";

  /** The URL path of the assets, before the version. */
  public static final String ASSETS_PATH = "/ui/assets/";

  private static final int VERSION_HEX_DIGITS = 12;

  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=UTF-8",
          "js", "text/javascript; charset=UTF-8",
          "css", "text/css; charset=UTF-8",
          "svg", "image/svg+xml",
          "json", "application/json",
          "txt", "text/plain; charset=UTF-8");

  /**
   * One file.
   *
   * @param bytes its content (pages with the assets' prefix filled in)
   * @param contentType its {@code Content-Type}, from its extension
   */
  public record Asset(byte[] bytes, String contentType) {}

  private final Map<String, Asset> files;
  private final String version;

  private UiAssets(Map<String, Asset> files, String version) {
    this.files = files;
    this.version = version;
  }

  /** The files of the dashboard shipped with this node. */
  public static UiAssets load() {
    Map<String, byte[]> raw = new TreeMap<>();
    URL location = UiAssets.class.getProtectionDomain().getCodeSource().getLocation();
    try {
      Path where = Path.of(location.toURI());
      if (Files.isDirectory(where)) {
        readFolder(where.resolve(ROOT), raw);
      } else {
        readJar(where, raw);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the dashboard's files from " + location, e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot read the dashboard's files from " + location, e);
    }
    return of(raw);
  }

  /** The dashboard of {@code raw}: paths under {@code ui/} (without it) and their bytes. */
  static UiAssets of(Map<String, byte[]> raw) {
    String version = hash(raw);
    String prefix = ASSETS_PATH + version;
    Map<String, Asset> files = new TreeMap<>();
    raw.forEach(
        (path, bytes) -> {
          String type = TYPES.getOrDefault(extension(path), "application/octet-stream");
          byte[] served =
              path.endsWith(".html")
                  ? new String(bytes, StandardCharsets.UTF_8)
                      .replace(ASSETS_PLACEHOLDER, prefix)
                      .getBytes(StandardCharsets.UTF_8)
                  : bytes;
          files.put(path, new Asset(served, type));
        });
    return new UiAssets(Collections.unmodifiableMap(files), version);
  }

  /** A hash of every file's path and bytes. */
  public String version() {
    return version;
  }

  /** The file at {@code path} (relative to {@code ui/}, such as {@code assets/app.js}). */
  public Optional<Asset> get(String path) {
    return Optional.ofNullable(files.get(path));
  }

  private static void readFolder(Path root, Map<String, byte[]> raw) throws IOException {
    if (!Files.isDirectory(root)) {
      throw new IOException("no folder " + root);
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path file : paths.filter(Files::isRegularFile).toList()) {
        raw.put(root.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
      }
    }
  }

  private static void readJar(Path jar, Map<String, byte[]> raw) throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      for (JarEntry entry : Collections.list(file.entries())) {
        if (!entry.isDirectory() && entry.getName().startsWith(ROOT)) {
          try (InputStream in = file.getInputStream(entry)) {
            raw.put(entry.getName().substring(ROOT.length()), in.readAllBytes());
          }
        }
      }
    }
  }

  private static String extension(String path) {
    int dot = path.lastIndexOf('.');
    return dot < 0 ? "" : path.substring(dot + 1);
  }

  private static String hash(Map<String, byte[]> raw) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      new TreeMap<>(raw)
          .forEach(
              (path, bytes) -> {
                digest.update(path.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(bytes);
              });
      return HexFormat.of().formatHex(digest.digest()).substring(0, VERSION_HEX_DIGITS);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
