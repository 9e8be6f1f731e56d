package dev.lattice.persistence.payload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Texts stored once by content, in the journal's payload table ({@code lattice_payload}), for
 * entities whose events refer to texts by hash instead of holding them (a session's messages). A
 * text is stored as the journal stores a long text of an event apart, so the same text is one row
 * whether an event or an entity stored it first. Rows are never changed, so a text found by its
 * hash is the text that was stored.
 *
 * <p>Every method but {@link #hash} blocks on JDBC: call them from a dispatcher meant for blocking
 * work. Texts this node stored or read lately are kept in memory (within a byte budget): storing
 * one again costs nothing, and reading one costs no query.
 */
public final class StoredTexts {
  // SQLSTATE of a unique-key violation: another writer stored the same text at the same time.
  private static final String DUPLICATE_KEY = "23505";

  private final DataSource dataSource;
  private final PayloadCache cache;

  /**
   * @param dataSource a pool on the journal's database
   * @param cacheMaxBytes the most content kept in memory
   */
  public StoredTexts(DataSource dataSource, long cacheMaxBytes) {
    this.dataSource = dataSource;
    this.cache = new PayloadCache(cacheMaxBytes);
  }

  /** The hash {@code text} is stored under: {@code sha256:HEX} of its stored content. */
  public static String hash(String text) {
    return PayloadRef.of(encode(text)).hash();
  }

  /** Stores those of {@code texts} that are not stored yet; each is committed on its own. */
  public void store(Collection<String> texts) throws SQLException {
    Map<String, byte[]> unknown = new LinkedHashMap<>();
    for (String text : texts) {
      byte[] content = encode(text);
      String hash = PayloadRef.of(content).hash();
      if (!cache.contains(hash)) {
        unknown.put(hash, content);
      }
    }
    if (unknown.isEmpty()) {
      return;
    }
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(true);
      for (Map.Entry<String, byte[]> part : unknown.entrySet()) {
        try {
          PayloadTable.insert(connection, Map.of(part.getKey(), part.getValue()));
        } catch (SQLException e) {
          // H2's insert-unless-present is not atomic: a concurrent insert of the same text may win.
          if (!DUPLICATE_KEY.equals(e.getSQLState())) {
            throw e;
          }
        }
      }
    }
    cache.putAll(unknown);
  }

  /**
   * The texts stored under {@code hashes}, by hash.
   *
   * @throws PayloadResolver.MissingPayloadException if one of them is not stored
   */
  public Map<String, String> read(Collection<String> hashes) throws SQLException {
    Map<String, byte[]> found = new HashMap<>(cache.get(hashes));
    List<String> missing = hashes.stream().filter(h -> !found.containsKey(h)).distinct().toList();
    if (!missing.isEmpty()) {
      Map<String, byte[]> read;
      try (Connection connection = dataSource.getConnection()) {
        read = PayloadTable.select(connection, missing);
      }
      cache.putAll(read);
      found.putAll(read);
    }
    Map<String, String> texts = new HashMap<>();
    for (String hash : hashes) {
      byte[] content = found.get(hash);
      if (content == null) {
        throw new PayloadResolver.MissingPayloadException(hash);
      }
      JsonNode text = PayloadCodec.decode(content);
      texts.put(hash, text.isTextual() ? text.textValue() : text.toString());
    }
    return texts;
  }

  private static byte[] encode(String text) {
    return PayloadCodec.encode(JsonNodeFactory.instance.textNode(text));
  }
}
