package io.trackflow.adapters.store.clickhouse;

import io.trackflow.core.store.QueryResult;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Turns a {@code FORMAT JSONCompact} answer into a {@link QueryResult}, normalising each value by
 * the column type ClickHouse reports: integers (which ClickHouse quotes when 64-bit) become Long,
 * floats and decimals Double, {@code Bool} Boolean, arrays and tuples List, everything else
 * (String, Date, DateTime, Enum, UUID …) String.
 */
final class JsonCompactResult {

  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private JsonCompactResult() {}

  static QueryResult parse(Buffer body) {
    JsonObject root;
    try {
      root = new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      String text = body.toString();
      throw new ClickHouseException(200, -1, "ClickHouse query answered something that is not JSONCompact: "
          + (text.length() > 500 ? text.substring(0, 500) + "…" : text));
    }
    JsonArray meta = root.getJsonArray("meta", new JsonArray());
    JsonArray data = root.getJsonArray("data", new JsonArray());
    List<String> columns = new ArrayList<>(meta.size());
    List<String> types = new ArrayList<>(meta.size());
    for (int i = 0; i < meta.size(); i++) {
      JsonObject column = meta.getJsonObject(i);
      columns.add(column.getString("name"));
      types.add(column.getString("type"));
    }
    List<List<Object>> rows = new ArrayList<>(data.size());
    for (int r = 0; r < data.size(); r++) {
      JsonArray raw = data.getJsonArray(r);
      List<Object> row = new ArrayList<>(raw.size());
      for (int c = 0; c < raw.size(); c++) {
        row.add(normalise(types.get(c), raw.getValue(c)));
      }
      rows.add(Collections.unmodifiableList(row));
    }
    Object beforeLimit = root.getValue("rows_before_limit_at_least");
    return new QueryResult(columns, rows,
        beforeLimit == null ? null : ((Number) toLong(beforeLimit)).longValue());
  }

  static Object normalise(String type, Object value) {
    if (value == null) {
      return null;
    }
    String t = unwrap(type);
    if (t.startsWith("Array(")) {
      String inner = t.substring("Array(".length(), t.length() - 1);
      List<Object> out = new ArrayList<>();
      for (Object element : asArray(value)) {
        out.add(normalise(inner, element));
      }
      return Collections.unmodifiableList(out);
    }
    if (t.startsWith("Tuple(")) {
      List<String> inner = splitTypes(t.substring("Tuple(".length(), t.length() - 1));
      List<Object> elements = asArray(value);
      List<Object> out = new ArrayList<>(elements.size());
      for (int i = 0; i < elements.size(); i++) {
        out.add(normalise(i < inner.size() ? stripName(inner.get(i)) : "", elements.get(i)));
      }
      return Collections.unmodifiableList(out);
    }
    if (t.startsWith("Int") || t.startsWith("UInt")) {
      return toLong(value);
    }
    if (t.startsWith("Float") || t.startsWith("Decimal")) {
      return toDouble(value);
    }
    if (t.equals("Bool")) {
      return value instanceof Boolean b ? b : toLong(value) instanceof Long l && l != 0;
    }
    return generic(value);
  }

  /** Without a type (inside unknown composites): the JSON value in the normalised Java types. */
  private static Object generic(Object value) {
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof BigInteger big) {
      return fitLong(big);
    }
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    if (value instanceof JsonArray || value instanceof List<?>) {
      List<Object> out = new ArrayList<>();
      for (Object element : asArray(value)) {
        out.add(generic(element));
      }
      return Collections.unmodifiableList(out);
    }
    if (value instanceof JsonObject object) {
      return object.encode();
    }
    return value instanceof Boolean ? value : value.toString();
  }

  private static Object toLong(Object value) {
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof BigInteger big) {
      return fitLong(big);
    }
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    return fitLong(new BigInteger(value.toString()));
  }

  // UInt64 above Long.MAX_VALUE (hashes, not counts) has no Long form; Double keeps its magnitude.
  private static Object fitLong(BigInteger big) {
    return big.compareTo(LONG_MIN) >= 0 && big.compareTo(LONG_MAX) <= 0 ? (Object) big.longValue() : big.doubleValue();
  }

  private static Object toDouble(Object value) {
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    String s = value.toString();
    return switch (s) {
      case "nan", "-nan" -> Double.NaN;
      case "inf", "+inf" -> Double.POSITIVE_INFINITY;
      case "-inf" -> Double.NEGATIVE_INFINITY;
      default -> new BigDecimal(s).doubleValue();
    };
  }

  private static List<Object> asArray(Object value) {
    if (value instanceof JsonArray array) {
      List<Object> out = new ArrayList<>(array.size());
      for (int i = 0; i < array.size(); i++) {
        out.add(array.getValue(i));
      }
      return out;
    }
    if (value instanceof List<?> list) {
      return new ArrayList<>(list);
    }
    return List.of(value);
  }

  private static String unwrap(String type) {
    String t = type.strip();
    while (true) {
      if (t.startsWith("Nullable(") && t.endsWith(")")) {
        t = t.substring("Nullable(".length(), t.length() - 1);
      } else if (t.startsWith("LowCardinality(") && t.endsWith(")")) {
        t = t.substring("LowCardinality(".length(), t.length() - 1);
      } else {
        return t;
      }
    }
  }

  // Named tuple elements read "name Type"; the type is the last word outside parentheses.
  private static String stripName(String element) {
    String e = element.strip();
    int paren = e.indexOf('(');
    int space = e.indexOf(' ');
    return space > 0 && (paren < 0 || space < paren) ? e.substring(space + 1).strip() : e;
  }

  private static List<String> splitTypes(String list) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    int start = 0;
    boolean quoted = false;
    for (int i = 0; i < list.length(); i++) {
      char c = list.charAt(i);
      if (c == '\'') {
        quoted = !quoted;
      } else if (!quoted && c == '(') {
        depth++;
      } else if (!quoted && c == ')') {
        depth--;
      } else if (!quoted && c == ',' && depth == 0) {
        out.add(list.substring(start, i));
        start = i + 1;
      }
    }
    out.add(list.substring(start));
    return out;
  }
}
