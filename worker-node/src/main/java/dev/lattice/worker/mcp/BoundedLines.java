package dev.lattice.worker.mcp;

import java.io.BufferedReader;
import java.io.IOException;

/** Reads lines of at most a given length, so that a peer cannot fill the heap with one line. */
final class BoundedLines {
  private BoundedLines() {}

  /**
   * The next line without its terminator, or null at the end of the stream.
   *
   * @throws IOException also when a line is longer than {@code maxChars}
   */
  static String read(BufferedReader reader, int maxChars) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = reader.read()) != -1) {
      if (c == '\n') {
        return line.toString();
      }
      if (c != '\r') {
        if (line.length() >= maxChars) {
          throw new IOException("a line is longer than " + maxChars + " characters");
        }
        line.append((char) c);
      }
    }
    return line.isEmpty() ? null : line.toString();
  }
}
