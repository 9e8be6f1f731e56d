package dev.lattice.worker.action.retrieval;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a text into chunks of at most a given number of characters, each starting a given number of
 * characters before the previous one ended, so that a sentence cut at a chunk's end is whole in the
 * next. A chunk ends after the last sentence that fits (a {@code .}, {@code !} or {@code ?} before
 * white space, or a line break) when that keeps it at least half full, else at the last white space
 * that fits, else in the middle of a word; the next one starts at a word. Chunks are trimmed, and
 * blank ones left out. Pure: no configuration, no I/O.
 */
public final class TextSplitter {
  private TextSplitter() {}

  /**
   * The chunks of {@code text}, in order.
   *
   * @param chunkSize the most characters of a chunk, at least 1
   * @param overlap characters a chunk repeats of the one before, at least 0 and below chunkSize
   */
  public static List<String> split(String text, int chunkSize, int overlap) {
    if (chunkSize < 1 || overlap < 0 || overlap >= chunkSize) {
      throw new IllegalArgumentException(
          "need 1 <= chunkSize and 0 <= overlap < chunkSize; got " + chunkSize + ", " + overlap);
    }
    List<String> chunks = new ArrayList<>();
    int length = text.length();
    int start = skipSpace(text, 0);
    while (start < length) {
      int end = end(text, start, chunkSize);
      String chunk = text.substring(start, end).strip();
      if (!chunk.isEmpty()) {
        chunks.add(chunk);
      }
      if (end >= length) {
        break;
      }
      start = skipSpace(text, nextStart(text, start, end, overlap));
    }
    return chunks;
  }

  /** Where the chunk starting at {@code start} ends (exclusive). */
  private static int end(String text, int start, int chunkSize) {
    int limit = Math.min(text.length(), start + chunkSize);
    if (limit == text.length()) {
      return limit;
    }
    int halfFull = start + chunkSize / 2;
    int sentence = -1;
    int space = -1;
    // A break at i ends the chunk before text[i], which is white space.
    for (int i = limit; i > start; i--) {
      if (i < text.length() && Character.isWhitespace(text.charAt(i))) {
        char before = text.charAt(i - 1);
        if (sentence < 0
            && (text.charAt(i) == '\n' || before == '.' || before == '!' || before == '?')) {
          sentence = i;
        }
        if (space < 0) {
          space = i;
        }
      }
      if (sentence >= 0) {
        break;
      }
    }
    if (sentence >= halfFull) {
      return sentence;
    }
    if (space > start) {
      return space;
    }
    // One long word: cut it, but never between the two halves of a surrogate pair.
    return Character.isHighSurrogate(text.charAt(limit - 1)) ? limit - 1 : limit;
  }

  /**
   * The next chunk starts {@code overlap} characters before {@code end}, moved forward to the start
   * of a word so that no chunk begins with part of one, and always after {@code start}.
   */
  private static int nextStart(String text, int start, int end, int overlap) {
    int next = Math.max(start + 1, end - overlap);
    if (next < end && !Character.isWhitespace(text.charAt(next - 1))) {
      int word = next;
      while (word < end && !Character.isWhitespace(text.charAt(word))) {
        word++;
      }
      next = word;
    }
    if (next < text.length() && Character.isLowSurrogate(text.charAt(next))) {
      next++;
    }
    return next;
  }

  private static int skipSpace(String text, int from) {
    int i = from;
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    return i;
  }
}
