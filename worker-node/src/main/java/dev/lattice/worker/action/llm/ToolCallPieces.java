package dev.lattice.worker.action.llm;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The tool calls of a streamed answer, assembled from their pieces: each call is keyed by its index
 * in the stream, its id and name come once, and the text of its arguments in pieces.
 */
final class ToolCallPieces {
  private final TreeMap<Integer, Piece> calls = new TreeMap<>();
  private int pieces;

  private static final class Piece {
    private String id;
    private String name;
    private final StringBuilder arguments = new StringBuilder();
  }

  /** Takes what an event says of the call at {@code index}; null parts say nothing. */
  void accept(int index, String id, String name, String arguments) {
    pieces++;
    Piece piece = calls.computeIfAbsent(index, i -> new Piece());
    if (id != null && !id.isEmpty()) {
      piece.id = id;
    }
    if (name != null && !name.isEmpty()) {
      piece.name = name;
    }
    if (arguments != null) {
      piece.arguments.append(arguments);
    }
  }

  /**
   * The index of a piece that names none (some OpenAI-compatible servers send whole calls without
   * one): a new call when it brings an id not seen yet (or is the first), else the latest call.
   */
  int indexOf(String id) {
    if (calls.isEmpty()) {
      return 0;
    }
    int latest = calls.lastKey();
    boolean known = calls.values().stream().anyMatch(p -> id == null || id.equals(p.id));
    return known ? latest : latest + 1;
  }

  /** How many pieces it took. */
  int pieces() {
    return pieces;
  }

  /** The calls, in the order of their indexes, their arguments parsed. */
  List<ToolCall> calls() {
    List<ToolCall> done = new ArrayList<>();
    for (Piece piece : calls.values()) {
      done.add(ToolCall.parsed(piece.id, piece.name, piece.arguments.toString()));
    }
    return done;
  }
}
