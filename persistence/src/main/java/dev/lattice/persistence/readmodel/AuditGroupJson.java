package dev.lattice.persistence.readmodel;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.audit.AuditEntry;
import dev.lattice.protocol.audit.AuditKind;
import dev.lattice.protocol.audit.InterventionEntry;
import dev.lattice.protocol.ids.RunId;
import dev.lattice.protocol.json.LatticeJson;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code entries} column of an audit row: a JSON array of one run's entries from one
 * dispatcher, each without the run and bus key, which are the row's own columns. Fields are named
 * as in the API's {@code AuditEntry}; absent or {@code null} fields are absent from the entry
 * (migrated rows carry explicit nulls).
 */
final class AuditGroupJson {
  private AuditGroupJson() {}

  /** {@code entries} (all of one run and one bus key) as the column's text. */
  static String write(List<AuditEntry> entries) {
    StringWriter text = new StringWriter();
    try (JsonGenerator json = LatticeJson.mapper().getFactory().createGenerator(text)) {
      json.writeStartArray();
      for (AuditEntry entry : entries) {
        json.writeStartObject();
        json.writeStringField("at", entry.at().toString());
        json.writeStringField("kind", entry.kind().wire());
        json.writeStringField("stepId", entry.stepId());
        json.writeNumberField("attempt", entry.attempt());
        if (entry.agentId() != null) {
          json.writeStringField("agentId", entry.agentId());
        }
        if (entry.detail() != null) {
          json.writeStringField("detail", entry.detail());
        }
        if (entry.data() != null) {
          json.writeFieldName("data");
          json.writeTree(entry.data());
        }
        json.writeEndObject();
      }
      json.writeEndArray();
    } catch (IOException e) {
      // Writing to a StringWriter does no I/O; this would be a bug in Jackson.
      throw new UncheckedIOException("cannot write audit entries as JSON", e);
    }
    return text.toString();
  }

  /** The entries of a row's column {@code text}, in their order. */
  static List<AuditEntry> read(RunId runId, String busKey, String text) throws SQLException {
    try {
      JsonNode array = LatticeJson.mapper().readTree(text);
      if (!array.isArray()) {
        throw new SQLException("an audit row's entries are not a JSON array");
      }
      List<AuditEntry> entries = new ArrayList<>(array.size());
      for (JsonNode entry : array) {
        entries.add(
            new AuditEntry(
                Instant.parse(entry.path("at").asText()),
                busKey,
                AuditKind.fromWire(entry.path("kind").asText()),
                runId,
                entry.path("stepId").asText(),
                entry.path("attempt").asInt(),
                text(entry, "agentId"),
                text(entry, "detail"),
                value(entry, "data")));
      }
      return entries;
    } catch (JsonProcessingException e) {
      throw new SQLException("an audit row's entries are not JSON: " + e.getOriginalMessage(), e);
    } catch (DateTimeParseException | IllegalArgumentException e) {
      throw new SQLException("an audit row's entry is malformed: " + e.getMessage(), e);
    }
  }

  /** The interventions of a run chain's row {@code text}. */
  static List<InterventionEntry> interventions(String text) throws SQLException {
    try {
      return List.of(LatticeJson.mapper().readValue(text, InterventionEntry[].class));
    } catch (JsonProcessingException e) {
      throw new SQLException(
          "an audit row's intervention is malformed: " + e.getOriginalMessage(), e);
    }
  }

  private static String text(JsonNode entry, String field) {
    JsonNode value = value(entry, field);
    return value == null ? null : value.asText();
  }

  private static JsonNode value(JsonNode entry, String field) {
    JsonNode value = entry.get(field);
    return value == null || value.isNull() ? null : value;
  }
}
