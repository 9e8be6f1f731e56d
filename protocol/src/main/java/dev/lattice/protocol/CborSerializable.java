package dev.lattice.protocol;

/**
 * Marker for every message, event and snapshot that may cross a node boundary or reach the journal.
 *
 * <p>It is bound to Pekko's {@code jackson-cbor} serializer in this module's {@code
 * reference.conf}. Binding a marker (never {@code Object} or {@code java.io.Serializable}) keeps
 * Java serialization out of the system and makes "does this type cross nodes?" a question the
 * compiler answers.
 */
public interface CborSerializable {}
