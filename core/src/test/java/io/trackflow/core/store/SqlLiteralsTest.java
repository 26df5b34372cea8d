package io.trackflow.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SqlLiteralsTest {

  @Test
  @DisplayName("ClickHouse literals escape backslash, quote and control characters and keep unicode as is")
  void clickHouseEscapes() {
    assertThat(SqlLiterals.quote(SqlDialect.CLICKHOUSE, "")).isEqualTo("''");
    assertThat(SqlLiterals.quote(SqlDialect.CLICKHOUSE, "it's a\\b")).isEqualTo("'it\\'s a\\\\b'");
    assertThat(SqlLiterals.quote(SqlDialect.CLICKHOUSE, "\0\n\r\t\b\f\u0001\u007f"))
        .isEqualTo("'\\0\\n\\r\\t\\b\\f\\x01\\x7F'");
    assertThat(SqlLiterals.quote(SqlDialect.CLICKHOUSE, "Grüße 😀")).isEqualTo("'Grüße 😀'");
  }

  @Test
  @DisplayName("DuckDB literals double the quote, keep backslashes, and spell NUL as chr(0)")
  void duckDbEscapes() {
    assertThat(SqlLiterals.quote(SqlDialect.DUCKDB, "")).isEqualTo("''");
    assertThat(SqlLiterals.quote(SqlDialect.DUCKDB, "it's a\\b")).isEqualTo("'it''s a\\b'");
    assertThat(SqlLiterals.quote(SqlDialect.DUCKDB, "a\0b")).isEqualTo("('a' || chr(0) || 'b')");
    assertThat(SqlLiterals.quote(SqlDialect.DUCKDB, "tab\there 😀")).isEqualTo("'tab\there 😀'");
  }

  @Test
  @DisplayName("An unpaired surrogate, which has no UTF-8 form, becomes U+FFFD in both dialects")
  void unpairedSurrogates() {
    assertThat(SqlLiterals.quote(SqlDialect.CLICKHOUSE, "a\uD800b\uDC00")).isEqualTo("'a\uFFFDb\uFFFD'");
    assertThat(SqlLiterals.quote(SqlDialect.DUCKDB, "\uDBFF")).isEqualTo("'\uFFFD'");
  }

  @Test
  @DisplayName("A null value is refused instead of becoming the text null")
  void nullRefused() {
    assertThatThrownBy(() -> SqlLiterals.quote(SqlDialect.DUCKDB, null)).isInstanceOf(IllegalArgumentException.class);
  }
}
