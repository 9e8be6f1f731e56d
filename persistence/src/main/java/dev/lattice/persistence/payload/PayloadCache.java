package dev.lattice.persistence.payload;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The contents of parts this node wrote or read lately, least recently used first out, within a
 * byte budget. A part in the cache is known to be stored, so a write that refers to it again need
 * not send it to the database, and a replay that meets it need not read it.
 */
final class PayloadCache {
  private final long maxBytes;
  private final LinkedHashMap<String, byte[]> contents = new LinkedHashMap<>(64, 0.75f, true);
  private long bytes;

  PayloadCache(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Those of {@code hashes} in the cache, by hash. */
  synchronized Map<String, byte[]> get(Collection<String> hashes) {
    Map<String, byte[]> found = new HashMap<>();
    for (String hash : hashes) {
      byte[] content = contents.get(hash);
      if (content != null) {
        found.put(hash, content);
      }
    }
    return found;
  }

  synchronized boolean contains(String hash) {
    return contents.containsKey(hash);
  }

  /** Remembers parts known to be stored (written and committed, or read). */
  synchronized void putAll(Map<String, byte[]> parts) {
    for (Map.Entry<String, byte[]> part : parts.entrySet()) {
      if (part.getValue().length > maxBytes / 4) {
        // One part must not push out most of the others.
        continue;
      }
      byte[] previous = contents.put(part.getKey(), part.getValue());
      bytes += part.getValue().length - (previous == null ? 0 : previous.length);
    }
    var oldest = contents.entrySet().iterator();
    while (bytes > maxBytes && oldest.hasNext()) {
      bytes -= oldest.next().getValue().length;
      oldest.remove();
    }
  }
}
