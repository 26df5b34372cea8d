package io.trackflow.adapters.store.duckdb;

import io.trackflow.core.store.QueryResult;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads a DuckDB result set into a {@link QueryResult} with the types ClickHouse answers give:
 * integers Long, floats and decimals Double, BOOLEAN Boolean, lists List, dates
 * {@code yyyy-MM-dd} and timestamps {@code yyyy-MM-dd HH:mm:ss} strings (UTC).
 */
final class DuckDbResults {

  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);
  private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private DuckDbResults() {}

  static QueryResult read(ResultSet rs) throws SQLException {
    ResultSetMetaData meta = rs.getMetaData();
    int count = meta.getColumnCount();
    List<String> columns = new ArrayList<>(count);
    List<String> types = new ArrayList<>(count);
    for (int i = 1; i <= count; i++) {
      columns.add(meta.getColumnLabel(i));
      types.add(meta.getColumnTypeName(i));
    }
    List<List<Object>> rows = new ArrayList<>();
    while (rs.next()) {
      List<Object> row = new ArrayList<>(count);
      for (int i = 1; i <= count; i++) {
        row.add(value(rs, i, types.get(i - 1)));
      }
      rows.add(Collections.unmodifiableList(row));
    }
    return new QueryResult(columns, rows);
  }

  private static Object value(ResultSet rs, int column, String type) throws SQLException {
    // Timestamps are read as local date-times: java.sql.Timestamp would apply the JVM's zone.
    if (type.equals("TIMESTAMP WITH TIME ZONE")) {
      OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
      return t == null ? null : timestamp(t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime());
    }
    if (type.startsWith("TIMESTAMP")) {
      LocalDateTime t = rs.getObject(column, LocalDateTime.class);
      return t == null ? null : timestamp(t);
    }
    return normalise(rs.getObject(column));
  }

  static Object normalise(Object value) throws SQLException {
    if (value == null || value instanceof String || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof BigInteger big) {
      // HUGEINT sums and UBIGINT: Long when they fit, as ClickHouse's 64-bit integers do.
      return big.compareTo(LONG_MIN) >= 0 && big.compareTo(LONG_MAX) <= 0 ? (Object) big.longValue() : big.doubleValue();
    }
    if (value instanceof BigDecimal || value instanceof Double || value instanceof Float) {
      return ((Number) value).doubleValue();
    }
    if (value instanceof LocalDate date) {
      return date.toString();
    }
    if (value instanceof LocalDateTime t) {
      return timestamp(t);
    }
    if (value instanceof java.sql.Date date) {
      return date.toLocalDate().toString();
    }
    if (value instanceof Array array) {
      Object[] elements = (Object[]) array.getArray();
      List<Object> out = new ArrayList<>(elements.length);
      for (Object element : elements) {
        out.add(normalise(element));
      }
      return Collections.unmodifiableList(out);
    }
    return value.toString();
  }

  private static String timestamp(LocalDateTime t) {
    String seconds = SECONDS.format(t);
    int nanos = t.getNano();
    if (nanos == 0) {
      return seconds;
    }
    return nanos % 1_000_000 == 0
        ? seconds + String.format(".%03d", nanos / 1_000_000)
        : seconds + String.format(".%06d", nanos / 1_000);
  }
}
