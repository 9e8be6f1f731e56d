package dev.lattice.persistence.runlog;

import dev.lattice.protocol.log.RunLogEntry;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Predicate;

/**
 * The entries of one run read from a table whose rows each hold several, in the order of the rows
 * and of the entries in them, from a position: a row and how many of its entries were read (0 when
 * all were, as in the audit trail's cursor). Reads rows a batch at a time as entries are asked for,
 * skips the entries a page does not want, and stops once it has read its share of rows for one page
 * ({@link #cut()}). Used by one thread, for one page.
 */
final class RowEntries {
  /** One row: its id and its entries. */
  record Row(long id, List<RunLogEntry> entries) {}

  /** Reads up to {@code limit} rows with ids from {@code fromRow} on, in id order. */
  @FunctionalInterface
  interface Rows {
    List<Row> read(long fromRow, int limit) throws SQLException;
  }

  private final Rows rows;
  private final Predicate<RunLogEntry> wanted;
  private final int batchRows;
  private final long startRow;
  private final int startRead;
  private int rowsLeft;
  private List<Row> batch = List.of();
  private int batchIndex;
  private boolean lastBatch;
  // The row being read (null before the first) and the index of its next entry.
  private List<RunLogEntry> current;
  private long currentRow;
  private int index;
  // The last row read whole before the current one.
  private long rowBefore;
  private boolean cut;

  /**
   * @param rows where rows come from; null for a source the page's filter rules out
   * @param wanted which entries the page wants
   * @param row the last row read from (0 before the first)
   * @param read how many of its entries were read, 0 when all were
   * @param batchRows rows read at once
   * @param rowsLeft how many rows this page may read at most
   */
  RowEntries(
      Rows rows, Predicate<RunLogEntry> wanted, long row, int read, int batchRows, int rowsLeft) {
    this.rows = rows;
    this.wanted = wanted;
    this.startRow = row;
    this.startRead = read;
    this.rowBefore = row;
    this.batchRows = Math.max(1, batchRows);
    this.rowsLeft = rowsLeft;
    this.lastBatch = rows == null;
  }

  /** The next entry the page wants, without taking it; null when there is none (yet). */
  RunLogEntry peek() throws SQLException {
    while (true) {
      if (current != null) {
        while (index < current.size()) {
          RunLogEntry entry = current.get(index);
          if (wanted.test(entry)) {
            return entry;
          }
          // Not wanted now, nor by any later page of the same query: passed for good.
          index++;
        }
      }
      if (!nextRow()) {
        return null;
      }
    }
  }

  /** Takes the entry {@link #peek()} returned. */
  void take() {
    index++;
  }

  /** The last row read from, in whole or in part. */
  long row() {
    if (current == null) {
      return startRow;
    }
    return index == 0 && !current.isEmpty() ? rowBefore : currentRow;
  }

  /** How many entries of {@link #row()} were read; 0 when all were. */
  int read() {
    if (current == null) {
      return startRead;
    }
    return index >= current.size() ? 0 : index;
  }

  /** Whether this page stopped reading with rows possibly left: the next page goes on. */
  boolean cut() {
    return cut;
  }

  private boolean nextRow() throws SQLException {
    if (batchIndex >= batch.size()) {
      if (lastBatch) {
        return false;
      }
      if (rowsLeft <= 0) {
        cut = true;
        return false;
      }
      int asked = Math.min(batchRows, rowsLeft);
      // The position's own row again when it was read in part: its later entries are still due.
      long from = current == null && startRead > 0 ? startRow : lastRowRead() + 1;
      batch = rows.read(from, asked);
      batchIndex = 0;
      rowsLeft -= batch.size();
      lastBatch = batch.size() < asked;
      if (batch.isEmpty()) {
        return false;
      }
    }
    Row next = batch.get(batchIndex++);
    boolean partlyRead = current == null && startRead > 0 && next.id() == startRow;
    if (current != null) {
      rowBefore = currentRow;
    }
    current = next.entries();
    currentRow = next.id();
    index = partlyRead ? startRead : 0;
    return true;
  }

  private long lastRowRead() {
    return current == null ? startRow : currentRow;
  }
}
