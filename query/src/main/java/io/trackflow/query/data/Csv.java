package io.trackflow.query.data;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 CSV as ClickHouse's {@code CSVWithNames} writes it (Plausible's export): fields
 * separated by commas, records by LF or CRLF, a field in double quotes when it holds a comma, a
 * quote or a line break, quotes inside doubled. Reading streams record by record with bounds on
 * field length and count, so a hostile file cannot exhaust memory.
 */
public final class Csv {

  static final int MAX_FIELD_CHARS = 100_000;
  static final int MAX_FIELDS = 64;

  private Csv() {}

  /** A malformed record, with the line it starts on. */
  static final class CsvException extends IOException {
    final long line;

    CsvException(long line, String message) {
      super("line " + line + ": " + message);
      this.line = line;
    }
  }

  /** Reads records one at a time. */
  static final class CsvReader {
    private final Reader in;
    private long line = 1;
    private long recordLine = 1;
    private int peeked = -2;

    CsvReader(Reader in) {
      this.in = in;
    }

    /** The line the last record returned started on. */
    long line() {
      return recordLine;
    }

    /** The next record, or null at the end; a blank line is an empty record. */
    List<String> next() throws IOException {
      int c = read();
      if (c == -1) {
        return null;
      }
      if (recordLine == 1 && line == 1 && c == '\uFEFF') {
        c = read(); // a byte order mark before the header
      }
      recordLine = line;
      List<String> fields = new ArrayList<>();
      StringBuilder field = new StringBuilder();
      boolean quoted = false;
      boolean wasQuoted = false;
      while (true) {
        if (quoted) {
          if (c == -1) {
            throw new CsvException(recordLine, "a quoted field is not closed");
          }
          if (c == '"') {
            int n = read();
            if (n == '"') {
              append(field, '"');
            } else {
              quoted = false;
              c = n;
              continue;
            }
          } else {
            if (c == '\n') {
              line++;
            }
            append(field, (char) c);
          }
        } else if (c == '"' && field.isEmpty() && !wasQuoted) {
          quoted = true;
          wasQuoted = true;
        } else if (c == ',' || c == '\n' || c == '\r' || c == -1) {
          fields.add(field.toString());
          if (fields.size() > MAX_FIELDS) {
            throw new CsvException(recordLine, "more than " + MAX_FIELDS + " fields");
          }
          field.setLength(0);
          wasQuoted = false;
          if (c == '\r') {
            int n = read();
            if (n != '\n') {
              unread(n);
            }
            c = '\n';
          }
          if (c == '\n') {
            line++;
            return fields;
          }
          if (c == -1) {
            return fields;
          }
        } else if (wasQuoted) {
          throw new CsvException(recordLine, "text after a closing quote");
        } else {
          append(field, (char) c);
        }
        c = read();
      }
    }

    private void append(StringBuilder field, char c) throws CsvException {
      if (field.length() >= MAX_FIELD_CHARS) {
        throw new CsvException(recordLine, "a field longer than " + MAX_FIELD_CHARS + " characters");
      }
      field.append(c);
    }

    private int read() throws IOException {
      if (peeked != -2) {
        int c = peeked;
        peeked = -2;
        return c;
      }
      return in.read();
    }

    private void unread(int c) {
      peeked = c;
    }
  }

  /** A string field as ClickHouse writes one: always in quotes, inner quotes doubled. */
  public static void quoted(StringBuilder out, String value) {
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"') {
        out.append('"');
      }
      out.append(c);
    }
    out.append('"');
  }
}
