package io.trackflow.core.store;

import java.util.List;

/**
 * Rows returned by a store query: column names and, per row, values as Java objects (String,
 * Long, Double, Boolean or null), normalised so both stores return the same types.
 *
 * @param rowsBeforeLimit how many rows the statement yielded before its LIMIT/OFFSET, where the
 *     store reports it (ClickHouse does), else null
 */
public record QueryResult(List<String> columns, List<List<Object>> rows, Long rowsBeforeLimit) {
  public QueryResult {
    columns = List.copyOf(columns);
    rows = List.copyOf(rows);
  }

  public QueryResult(List<String> columns, List<List<Object>> rows) {
    this(columns, rows, null);
  }

  public int columnIndex(String column) {
    int i = columns.indexOf(column);
    if (i < 0) {
      throw new IllegalArgumentException("no column " + column + " in " + columns);
    }
    return i;
  }
}
