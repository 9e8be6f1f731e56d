package dev.lattice.persistence.payload;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;

/**
 * Large events in the journal, stored with their large parts apart, once by content (see {@link
 * PayloadSplitter}). The journal's data access calls this inside its own JDBC work, on the
 * database's threads: the parts go into the payload table in the transaction that writes the rows
 * referring to them, before those rows, and rows are made whole again as they are read, before they
 * are deserialized. Entities, readers and followers only ever see whole events.
 *
 * <p>A row written with references carries {@link #REFS_MANIFEST} as its adapter manifest (Lattice
 * uses no event adapters): only those rows are resolved, so other rows cost nothing more to read.
 */
public final class JournalPayloads implements Extension {
  /** The adapter manifest of a journal row that holds references to stored parts. */
  public static final String REFS_MANIFEST = "lattice.payload-refs";

  private static final Id ID = new Id();

  private final PayloadSettings settings;
  private final PayloadSplitter splitter;
  private final PayloadCache cache;

  JournalPayloads(PayloadSettings settings) {
    this.settings = settings;
    this.splitter = new PayloadSplitter(settings);
    this.cache = new PayloadCache(settings.cacheMaxBytes());
  }

  public static JournalPayloads get(ActorSystem system) {
    return ID.get(system);
  }

  /** An event to write in place of a larger one, and the parts it refers to by hash. */
  public record Externalised(byte[] event, Map<String, byte[]> parts) {}

  /**
   * {@code event} (serialized) without its large parts, or {@code null} if it is to be written
   * whole: it is no larger than {@code inline-max-bytes}, or has no part large enough.
   */
  public Externalised externalise(byte[] event) {
    if (event.length <= settings.inlineMaxBytes()) {
      return null;
    }
    JsonNode tree;
    try {
      tree = PayloadCodec.decode(event);
    } catch (UncheckedIOException e) {
      // Not plain CBOR (say, a serializer configured to compress): written whole, as before.
      return null;
    }
    PayloadSplitter.Split split = splitter.split(tree);
    if (split.parts().isEmpty()) {
      return null;
    }
    return new Externalised(PayloadCodec.encode(split.event()), split.parts());
  }

  /**
   * Stores those of {@code parts} not known to be stored already, in {@code connection}'s current
   * transaction; call {@link #committed} once it commits.
   */
  public void store(Connection connection, Map<String, byte[]> parts) throws SQLException {
    Map<String, byte[]> unknown = new LinkedHashMap<>();
    parts.forEach(
        (hash, content) -> {
          if (!cache.contains(hash)) {
            unknown.put(hash, content);
          }
        });
    PayloadTable.insert(connection, unknown);
  }

  /** The transaction that stored {@code parts} committed: they are known to be stored. */
  public void committed(Map<String, byte[]> parts) {
    cache.putAll(parts);
  }

  /** {@code event}, written with references, made whole from the cache and {@code connection}. */
  public byte[] resolve(Connection connection, byte[] event) {
    JsonNode whole =
        PayloadResolver.resolve(
            PayloadCodec.decode(event),
            hashes -> {
              Map<String, byte[]> found = new HashMap<>(cache.get(hashes));
              if (found.size() < hashes.size()) {
                Map<String, byte[]> read = read(connection, hashes, found);
                cache.putAll(read);
                found.putAll(read);
              }
              return found;
            });
    return PayloadCodec.encode(whole);
  }

  private static Map<String, byte[]> read(
      Connection connection, Collection<String> hashes, Map<String, byte[]> cached) {
    try {
      return PayloadTable.select(
          connection, hashes.stream().filter(h -> !cached.containsKey(h)).toList());
    } catch (SQLException e) {
      throw new IllegalStateException("reading stored payloads failed: " + e.getMessage(), e);
    }
  }

  private static final class Id extends AbstractExtensionId<JournalPayloads> {
    @Override
    public JournalPayloads createExtension(ExtendedActorSystem system) {
      return new JournalPayloads(PayloadSettings.create(system.settings().config()));
    }
  }
}
