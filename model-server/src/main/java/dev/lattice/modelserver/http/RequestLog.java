package dev.lattice.modelserver.http;

import dev.lattice.modelserver.RecordedRequest;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** The requests the server received, oldest first, at most a configured number. Thread-safe. */
public final class RequestLog {

  private final int capacity;
  private final Deque<RecordedRequest> requests = new ArrayDeque<>();

  public RequestLog(int capacity) {
    this.capacity = capacity;
  }

  public synchronized void add(RecordedRequest request) {
    if (requests.size() == capacity) {
      requests.removeFirst();
    }
    requests.addLast(request);
  }

  public synchronized List<RecordedRequest> all() {
    return List.copyOf(requests);
  }
}
