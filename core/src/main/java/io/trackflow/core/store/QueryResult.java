package io.trackflow.core.store;

import java.util.List;

/**
 * Rows returned by a store query: column names and, per row, values as Java objects (String,
 * Long, Double, Boolean or null), normalised so both stores return the same types.
 */
public record QueryResult(List<String> columns, List<List<Object>> rows) {
  public QueryResult {
    columns = List.copyOf(columns);
    rows = List.copyOf(rows);
  }

  public int columnIndex(String column) {
    int i = columns.indexOf(column);
    if (i < 0) {
      throw new IllegalArgumentException("no column " + column + " in " + columns);
    }
    return i;
  }
}
