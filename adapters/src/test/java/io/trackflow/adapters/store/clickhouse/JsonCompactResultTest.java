package io.trackflow.adapters.store.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trackflow.core.store.QueryResult;
import io.vertx.core.buffer.Buffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class JsonCompactResultTest {

  private static QueryResult parse(String meta, String data) {
    return JsonCompactResult.parse(Buffer.buffer("{\"meta\": [" + meta + "], \"data\": [" + data + "], \"rows\": 1}"));
  }

  private static String column(String name, String type) {
    return "{\"name\": \"" + name + "\", \"type\": \"" + type + "\"}";
  }

  @Test
  @DisplayName("64-bit integers that ClickHouse quotes as strings become Long, at both ends of the range")
  void quotedIntegers() {
    QueryResult r = parse(column("a", "Int64") + "," + column("b", "UInt64") + "," + column("c", "Int64"),
        "[\"-9223372036854775808\", \"18446744073709551615\", \"9223372036854775807\"]");
    assertThat(r.rows().get(0).get(0)).isEqualTo(Long.MIN_VALUE);
    // Beyond Long: kept as its magnitude, a Double.
    assertThat(r.rows().get(0).get(1)).isEqualTo(1.8446744073709552E19);
    assertThat(r.rows().get(0).get(2)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  @DisplayName("Small integers, floats, decimals, strings, dates and nullables become Long, Double, String and null")
  void scalarTypes() {
    QueryResult r = parse(String.join(",", column("i", "UInt8"), column("f", "Float64"), column("d", "Decimal(9, 2)"),
        column("s", "String"), column("day", "Date"), column("t", "DateTime('UTC')"), column("n", "Nullable(Int32)"),
        column("nan", "Float64"), column("lc", "LowCardinality(String)")),
        "[1, 0.25, \"12.50\", \"x\", \"2025-01-02\", \"2025-01-02 03:04:05\", null, null, \"y\"]");
    assertThat(r.columns()).containsExactly("i", "f", "d", "s", "day", "t", "n", "nan", "lc");
    assertThat(r.rows()).containsExactly(Arrays.asList(1L, 0.25, 12.5, "x", "2025-01-02", "2025-01-02 03:04:05", null, null, "y"));
  }

  @Test
  @DisplayName("Arrays, nested arrays and tuples become lists of normalised values")
  void composites() {
    QueryResult r = parse(String.join(",", column("a", "Array(String)"), column("b", "Array(Array(Int64))"),
        column("t", "Tuple(String, UInt64)"), column("e", "Array(Nullable(Float64))")),
        "[[\"k\", \"v\"], [[\"1\"], [\"2\", \"3\"]], [\"x\", \"7\"], [1.5, null]]");
    assertThat(r.rows().get(0)).containsExactly(List.of("k", "v"), List.of(List.of(1L), List.of(2L, 3L)),
        List.of("x", 7L), Arrays.asList(1.5, null));
  }

  @Test
  @DisplayName("A Bool column becomes Boolean")
  void booleans() {
    assertThat(parse(column("b", "Bool"), "[true]").rows()).containsExactly(List.of(true));
    assertThat(parse(column("b", "Bool"), "[0]").rows()).containsExactly(List.of(false));
  }

  @Test
  @DisplayName("An answer that is not JSONCompact fails with the start of what came back")
  void garbage() {
    assertThatThrownBy(() -> JsonCompactResult.parse(Buffer.buffer("Code: 241, Memory limit exceeded")))
        .isInstanceOf(ClickHouseException.class)
        .hasMessageContaining("Memory limit exceeded");
  }

  @Test
  @DisplayName("ClickHouse's error text gives the exception its code and a message without 18.16's noise")
  void errorText() {
    ClickHouseException e = ClickHouseException.fromResponse(404,
        "Code: 60, e.displayText() = DB::Exception: Table db.nope doesn't exist., e.what() = DB::Exception\n", "query");
    assertThat(e.code()).isEqualTo(60);
    assertThat(e.httpStatus()).isEqualTo(404);
    assertThat(e.getMessage()).isEqualTo(
        "ClickHouse query failed (HTTP 404): Code: 60, e.displayText() = DB::Exception: Table db.nope doesn't exist.");
  }
}
