package dev.lattice.persistence.payload;

import com.typesafe.config.Config;

/**
 * When the journal stores parts of an event apart, by content ({@code
 * lattice.persistence.payloads}).
 *
 * @param inlineMaxBytes an event whose serialized form is at most this large is written whole
 * @param partMinBytes in a larger event, every text or binary value at least this large is stored
 *     apart, once per distinct content
 * @param cacheMaxBytes the most content the node keeps in memory of parts it wrote or read
 */
public record PayloadSettings(int inlineMaxBytes, int partMinBytes, long cacheMaxBytes) {
  public PayloadSettings {
    if (inlineMaxBytes < 1 || partMinBytes < 1 || cacheMaxBytes < 0) {
      throw new IllegalArgumentException(
          "lattice.persistence.payloads: inline-max-bytes and part-min-bytes must be positive,"
              + " cache-max-bytes not negative");
    }
  }

  /** Reads the settings from the {@code lattice.persistence.payloads} section of {@code config}. */
  public static PayloadSettings create(Config config) {
    Config c = config.getConfig("lattice.persistence.payloads");
    return new PayloadSettings(
        (int) Math.min(Integer.MAX_VALUE, c.getBytes("inline-max-bytes")),
        (int) Math.min(Integer.MAX_VALUE, c.getBytes("part-min-bytes")),
        c.getBytes("cache-max-bytes"));
  }
}
