package dev.lattice.protocol.session;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lattice.protocol.ids.TenantId;
import java.time.Instant;
import java.util.List;

/**
 * A session as the API shows it ({@code GET /api/v1/sessions/{id}}).
 *
 * @param session its name
 * @param tenant its tenant
 * @param policy the memory policy its latest exchange kept it to
 * @param summary its summary; absent until the summary policy wrote one
 * @param messages the messages it holds, oldest first: what the next step naming it sends before
 *     its own, after the summary
 * @param exchanges the exchanges (a step's messages and the model's answer) appended to it so far
 * @param appended the messages appended to it so far
 * @param summarised of those, the messages a summary stands for
 * @param dropped of those, the messages the window policy forgot
 * @param createdAt when its first exchange was appended
 * @param updatedAt when it last changed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SessionView(
    SessionName session,
    TenantId tenant,
    MemoryPolicy policy,
    SessionSummary summary,
    List<SessionMessage> messages,
    long exchanges,
    long appended,
    long summarised,
    long dropped,
    Instant createdAt,
    Instant updatedAt) {
  public SessionView {
    messages = List.copyOf(messages);
  }
}
