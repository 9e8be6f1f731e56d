package dev.lattice.orchestrator.ratelimit;

import dev.lattice.protocol.agent.RateObservation;
import dev.lattice.worker.action.llm.RateLimit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The requests and tokens granted against one provider model's rate limit over a sliding window,
 * and the attempts waiting for room, first come first served.
 *
 * <p>A grant counts from the moment it is given until a window plus {@code margin} later: the
 * request it allows reaches the provider a little after the grant (the dispatcher routes it, the
 * agent sends it), and counting it that much longer keeps every window the provider sees within the
 * limit. A grant given back unused stops counting at once; a settled one counts its real tokens.
 *
 * <p>The provider's own reports tighten the book: a lower limit than configured replaces it, and
 * usage the provider saw beyond what was granted here (another client of the same account, or a
 * limiter that restarted) counts as well until the provider's window resets.
 *
 * <p>Plain Java, not thread-safe: it belongs to its limiter's actor.
 */
final class RateBook {
  /**
   * What an attempt asks room for: its requests (a step with repairs may make several) and tokens.
   */
  private record Wanted(long requests, long tokens) {}

  /**
   * Requests and tokens counted until {@code expires}; {@code key} null for usage seen elsewhere.
   */
  private static final class Use {
    final String key;
    final Instant expires;
    long requests;
    long tokens;

    Use(String key, long requests, long tokens, Instant expires) {
      this.key = key;
      this.requests = requests;
      this.tokens = tokens;
      this.expires = expires;
    }
  }

  private final String name;
  private final RateLimit configured;
  private final Duration margin;
  private final List<Use> uses = new ArrayList<>();
  private final Map<String, Use> granted = new HashMap<>();
  private final LinkedHashMap<String, Wanted> waiting = new LinkedHashMap<>();
  private long reportedRequests;
  private long reportedTokens;
  private long requests;
  private long tokens;

  /**
   * @param name the provider and model, as reasons name them ({@code provider p model m})
   * @param configured the configured limit
   * @param margin how much longer than its window a grant counts
   */
  RateBook(String name, RateLimit configured, Duration margin) {
    this.name = name;
    this.configured = configured;
    this.margin = margin;
  }

  /**
   * Asks for room for {@code requests} requests of {@code key} expecting {@code expectedTokens} in
   * all; returns the keys granted now, in order (which include {@code key} if it was granted, now
   * or before). More than a whole window allows waits for an empty window, instead of forever.
   */
  List<String> request(String key, long requests, long expectedTokens, Instant now) {
    if (granted.containsKey(key)) {
      List<String> again = new ArrayList<>(poll(now));
      again.add(key);
      return again;
    }
    waiting.putIfAbsent(key, new Wanted(requests, expectedTokens));
    return poll(now);
  }

  /** Grants what fits now to those waiting, in order; returns their keys. */
  List<String> poll(Instant now) {
    expire(now);
    List<String> grants = new ArrayList<>();
    Iterator<Map.Entry<String, Wanted>> next = waiting.entrySet().iterator();
    while (next.hasNext()) {
      Map.Entry<String, Wanted> head = next.next();
      Wanted wanted = head.getValue();
      if (!fits(wanted)) {
        break;
      }
      next.remove();
      Use use =
          new Use(
              head.getKey(), wanted.requests(), wanted.tokens(), now.plus(window()).plus(margin));
      add(use);
      granted.put(use.key, use);
      grants.add(use.key);
    }
    return grants;
  }

  /** The request of {@code key} was not sent: it stops counting or waiting. */
  void release(String key) {
    waiting.remove(key);
    Use use = granted.remove(key);
    if (use != null && uses.remove(use)) {
      requests -= use.requests;
      tokens -= use.tokens;
    }
  }

  /**
   * The attempt {@code key} made {@code requests} requests using {@code tokens} in all, which count
   * instead of what it asked for.
   */
  void settle(String key, long requests, long tokens) {
    Use use = granted.remove(key);
    if (use != null && uses.contains(use)) {
      this.requests += requests - use.requests;
      this.tokens += tokens - use.tokens;
      use.requests = requests;
      use.tokens = tokens;
    }
  }

  /** Takes in what the provider reported: a lower limit, or more used than counted here. */
  void observe(RateObservation observation, Instant now) {
    expire(now);
    RateObservation.Quota r = observation.requests();
    if (r != null && r.limit() > 0) {
      reportedRequests = r.limit();
      long unseen = (r.limit() - r.remaining()) - requests;
      if (unseen > 0) {
        add(new Use(null, unseen, 0, seenUntil(r, now)));
      }
    }
    RateObservation.Quota t = observation.tokens();
    if (t != null && t.limit() > 0) {
      reportedTokens = t.limit();
      long unseen = (t.limit() - t.remaining()) - tokens;
      if (unseen > 0) {
        add(new Use(null, 0, unseen, seenUntil(t, now)));
      }
    }
  }

  /** When the earliest counted use expires, if anyone waits for room; empty otherwise. */
  Optional<Instant> nextCheck() {
    if (waiting.isEmpty()) {
      return Optional.empty();
    }
    return uses.stream().map(u -> u.expires).min(Instant::compareTo);
  }

  /** Whether attempts wait for room. */
  boolean anyWaiting() {
    return !waiting.isEmpty();
  }

  /** Why attempts wait: {@code rate_limited: provider p model m (60 rpm)}. */
  String reason() {
    return "rate_limited: " + name + " (" + effective().describe() + ")";
  }

  /** The limit kept to: the configured one, lowered by what the provider reported. */
  RateLimit effective() {
    return new RateLimit(lower(configured.requests(), reportedRequests), tokenLimit(), window());
  }

  private long tokenLimit() {
    return lower(configured.tokens(), reportedTokens);
  }

  private Duration window() {
    return configured.window();
  }

  private boolean fits(Wanted wanted) {
    long requestLimit = lower(configured.requests(), reportedRequests);
    long tokenLimit = tokenLimit();
    boolean requestRoom =
        requestLimit == 0 || requests + wanted.requests() <= requestLimit || requests == 0;
    boolean tokenRoom = tokenLimit == 0 || tokens + wanted.tokens() <= tokenLimit || tokens == 0;
    return requestRoom && tokenRoom;
  }

  /** Usage seen by the provider counts until its window resets, a window at most. */
  private Instant seenUntil(RateObservation.Quota quota, Instant now) {
    Duration reset = Duration.ofMillis(Math.max(0, quota.resetMs()));
    return now.plus(reset.compareTo(window()) < 0 ? reset : window());
  }

  private void add(Use use) {
    uses.add(use);
    requests += use.requests;
    tokens += use.tokens;
  }

  private void expire(Instant now) {
    Iterator<Use> all = uses.iterator();
    while (all.hasNext()) {
      Use use = all.next();
      if (!now.isBefore(use.expires)) {
        all.remove();
        requests -= use.requests;
        tokens -= use.tokens;
        if (use.key != null) {
          granted.remove(use.key, use);
        }
      }
    }
  }

  /** The lower of two limits where zero is none. */
  private static long lower(long a, long b) {
    if (a == 0 || b == 0) {
      return Math.max(a, b);
    }
    return Math.min(a, b);
  }
}
