package dev.lattice.persistence.runlog;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lattice.protocol.json.LatticeJson;
import dev.lattice.protocol.log.LogLevel;
import dev.lattice.protocol.log.LogLine;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code entries} column of a row of {@code lattice_run_log}: a JSON array of the row's lines,
 * each {@code {"at", "level", "message"}}. Fields a reader does not know are ignored, so later
 * writers may add some (a trace id).
 */
final class RunLogJson {
  private RunLogJson() {}

  static String write(List<LogLine> lines) {
    StringWriter text = new StringWriter();
    try (JsonGenerator json = LatticeJson.mapper().getFactory().createGenerator(text)) {
      json.writeStartArray();
      for (LogLine line : lines) {
        json.writeStartObject();
        json.writeStringField("at", line.at().toString());
        json.writeStringField("level", line.level().wire());
        json.writeStringField("message", line.message());
        json.writeEndObject();
      }
      json.writeEndArray();
    } catch (IOException e) {
      // Writing to a StringWriter does no I/O; this would be a bug in Jackson.
      throw new UncheckedIOException("cannot write log lines as JSON", e);
    }
    return text.toString();
  }

  static List<LogLine> read(String text) throws SQLException {
    try {
      JsonNode array = LatticeJson.mapper().readTree(text);
      if (!array.isArray()) {
        throw new SQLException("a run log row's entries are not a JSON array");
      }
      List<LogLine> lines = new ArrayList<>(array.size());
      for (JsonNode line : array) {
        lines.add(
            new LogLine(
                Instant.parse(line.path("at").asText()),
                LogLevel.fromWire(line.path("level").asText()),
                line.path("message").asText()));
      }
      return lines;
    } catch (JsonProcessingException e) {
      throw new SQLException("a run log row's entries are not JSON: " + e.getOriginalMessage(), e);
    } catch (DateTimeParseException | IllegalArgumentException e) {
      throw new SQLException("a run log row's entry is malformed: " + e.getMessage(), e);
    }
  }
}
