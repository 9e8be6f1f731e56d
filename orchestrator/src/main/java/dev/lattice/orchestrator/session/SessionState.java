package dev.lattice.orchestrator.session;

import dev.lattice.protocol.CborSerializable;
import dev.lattice.protocol.session.MemoryPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a session holds: its messages by hash, oldest first (the texts are stored apart, once by
 * content), its summary, the exchanges it remembers by step, and its counts. Rebuilt from the
 * session's events and snapshotted. Plain Java: the decisions of the memory policies (which
 * messages a step sends, which ones a summary replaces, which ones are forgotten) live here.
 *
 * @param messages the messages held, in order
 * @param summary the summary of the messages before the first held; null when there is none
 * @param policy the memory policy of the latest exchange; null before the first
 * @param appended the messages ever appended; the next one's {@code seq}
 * @param exchanges the exchanges ever appended
 * @param summarised the messages a summary replaced
 * @param dropped the messages forgotten without a summary (window policy, or the node's bound)
 * @param recent the latest exchanges by their step's key, oldest first, at most {@code
 *     lattice.sessions.remembered-exchanges}
 * @param createdAt when the first exchange was appended; null for a session that does not exist
 * @param updatedAt when the session last changed
 */
public record SessionState(
    List<Entry> messages,
    Summary summary,
    MemoryPolicy policy,
    long appended,
    long exchanges,
    long summarised,
    long dropped,
    List<Remembered> recent,
    Instant createdAt,
    Instant updatedAt)
    implements CborSerializable {

  static final SessionState EMPTY =
      new SessionState(List.of(), null, null, 0, 0, 0, 0, List.of(), null, null);

  static final String USER = "user";

  public SessionState {
    messages = List.copyOf(messages);
    recent = List.copyOf(recent);
  }

  /**
   * A message held.
   *
   * @param seq its place: the messages appended before it
   * @param role {@code user} or {@code assistant}
   * @param hash the hash its text is stored under
   */
  public record Entry(long seq, String role, String hash) implements CborSerializable {}

  /**
   * A message of an exchange, before it has a place.
   *
   * @param role {@code user} or {@code assistant}
   * @param hash the hash its text is stored under
   */
  public record Message(String role, String hash) implements CborSerializable {}

  /**
   * A summary.
   *
   * @param hash the hash its text is stored under
   * @param covers the messages it stands for: those whose {@code seq} is below this
   */
  public record Summary(String hash, long covers) implements CborSerializable {}

  /**
   * An exchange remembered by its step's key, to answer the step's later attempts with.
   *
   * @param key the step's effect key, {@code runId/stepId}
   * @param answerHash the hash of the answer's text
   * @param model the model that answered
   * @param finishReason why the answer ended
   */
  public record Remembered(String key, String answerHash, String model, String finishReason)
      implements CborSerializable {}

  /**
   * What a step sends before its own messages.
   *
   * @param messages the messages, oldest first (after the summary, if any)
   * @param summariseBefore when a summary is due first: the messages whose {@code seq} is below
   *     this are to be summarised; 0 when none is due
   */
  public record Window(List<Entry> messages, long summariseBefore) {}

  /** Whether the session exists: an exchange was appended since it began or was forgotten. */
  public boolean known() {
    return createdAt != null;
  }

  /** The exchange remembered under {@code key}. */
  public Optional<Remembered> remembered(String key) {
    return recent.stream().filter(r -> r.key().equals(key)).findFirst();
  }

  /** The messages the summary stands for: those whose {@code seq} is below this. */
  public long summaryCovers() {
    return summary == null ? 0 : summary.covers();
  }

  /**
   * The window a step keeping the session to {@code policy} sends. Under {@code window}, the last
   * {@code maxMessages}, starting at a user message. Under {@code summary}, every message held, and
   * once they are more than {@code maxMessages}, a summary is due of all but the last {@code
   * keepMessages} (from a user message on).
   */
  public Window window(MemoryPolicy policy) {
    if (!policy.summarises()) {
      int from = Math.max(0, messages.size() - policy.maxMessages());
      return new Window(messages.subList(userFrom(from), messages.size()), 0);
    }
    if (messages.size() <= policy.maxMessages()) {
      return new Window(messages, 0);
    }
    int kept = userFrom(messages.size() - policy.keepMessages());
    long before = kept < messages.size() ? messages.get(kept).seq() : appended;
    return new Window(messages, before);
  }

  /**
   * The first {@code seq} the session keeps once {@code added} (their roles) are appended under
   * {@code policy}, holding at most {@code maxStored} messages: under {@code window} its last
   * {@code maxMessages}, starting at a user message when there is one.
   */
  public long keepFrom(List<String> added, MemoryPolicy policy, int maxStored) {
    List<String> roles = new ArrayList<>(messages.size() + added.size());
    messages.forEach(m -> roles.add(m.role()));
    roles.addAll(added);
    int most = policy.summarises() ? maxStored : Math.min(maxStored, policy.maxMessages());
    int from = Math.max(0, roles.size() - most);
    int user = from;
    while (user < roles.size() && !USER.equals(roles.get(user))) {
      user++;
    }
    // A window without a user message keeps what it has rather than nothing.
    int start = user < roles.size() ? user : from;
    long firstSeq = appended - messages.size();
    return firstSeq + start;
  }

  /** This state after {@code appended}, remembering at most {@code remember} exchanges. */
  SessionState with(SessionEntity.ExchangeAppended event, int remember) {
    List<Entry> held = new ArrayList<>(messages);
    long seq = appended;
    for (Message message : event.messages()) {
      held.add(new Entry(seq++, message.role(), message.hash()));
    }
    int before = held.size();
    held.removeIf(entry -> entry.seq() < event.keepFrom());
    List<Remembered> remembered = new ArrayList<>(recent);
    Message answer = event.messages().get(event.messages().size() - 1);
    remembered.add(new Remembered(event.key(), answer.hash(), event.model(), event.finishReason()));
    if (remembered.size() > remember) {
      remembered = remembered.subList(remembered.size() - remember, remembered.size());
    }
    return new SessionState(
        held,
        summary,
        event.policy(),
        seq,
        exchanges + 1,
        summarised,
        dropped + before - held.size(),
        remembered,
        createdAt == null ? event.at() : createdAt,
        event.at());
  }

  /**
   * Whether a summary of the messages before {@code before}, written on the summary that covered
   * those before {@code basedOn}, is still one this session can take.
   */
  public boolean takesSummary(long basedOn, long before) {
    return known() && basedOn == summaryCovers() && before > basedOn && before <= appended;
  }

  /** This state once {@code event}'s summary replaces the messages before its {@code before}. */
  SessionState with(SessionEntity.Summarised event) {
    List<Entry> held = new ArrayList<>(messages);
    held.removeIf(entry -> entry.seq() < event.before());
    return new SessionState(
        held,
        new Summary(event.hash(), event.before()),
        policy,
        appended,
        exchanges,
        summarised + messages.size() - held.size(),
        dropped,
        recent,
        createdAt,
        event.at());
  }

  /** The index of the first user message from {@code from} on; {@code from} when there is none. */
  private int userFrom(int from) {
    for (int i = from; i < messages.size(); i++) {
      if (USER.equals(messages.get(i).role())) {
        return i;
      }
    }
    return from;
  }
}
