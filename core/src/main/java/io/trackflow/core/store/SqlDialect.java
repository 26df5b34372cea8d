package io.trackflow.core.store;

/** The SQL dialects the query builder targets. */
public enum SqlDialect {
  CLICKHOUSE, DUCKDB
}
