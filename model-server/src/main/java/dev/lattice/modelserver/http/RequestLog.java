package dev.lattice.modelserver.http;

import dev.lattice.modelserver.RecordedRequest;
import dev.lattice.modelserver.ServedAnswer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The requests the server received and the answers it sent to their end, oldest first, at most a
 * configured number of each. Thread-safe.
 */
public final class RequestLog {

  private final int capacity;
  private final Deque<RecordedRequest> requests = new ArrayDeque<>();
  private final Deque<ServedAnswer> answers = new ArrayDeque<>();

  public RequestLog(int capacity) {
    this.capacity = capacity;
  }

  public synchronized void add(RecordedRequest request) {
    append(requests, request);
  }

  public synchronized List<RecordedRequest> all() {
    return List.copyOf(requests);
  }

  public synchronized void answered(ServedAnswer answer) {
    append(answers, answer);
  }

  public synchronized List<ServedAnswer> answers() {
    return List.copyOf(answers);
  }

  /** Adds {@code item}, forgetting the oldest when full. */
  private <T> void append(Deque<T> items, T item) {
    if (items.size() == capacity) {
      items.removeFirst();
    }
    items.addLast(item);
  }
}
