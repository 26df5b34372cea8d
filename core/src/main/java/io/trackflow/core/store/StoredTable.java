package io.trackflow.core.store;

/**
 * The tables stats statements read, each with the columns that place a row in time: events by
 * their own time, sessions by their start.
 */
public enum StoredTable {
  EVENTS("events", "timestamp", "timestamp_ms"),
  SESSIONS("sessions", "start", "start_ms");

  private final String tableName;
  private final String secondsColumn;
  private final String millisColumn;

  StoredTable(String tableName, String secondsColumn, String millisColumn) {
    this.tableName = tableName;
    this.secondsColumn = secondsColumn;
    this.millisColumn = millisColumn;
  }

  public String tableName() {
    return tableName;
  }

  /** The second-truncated UTC time column the table is partitioned and sorted by. */
  public String secondsColumn() {
    return secondsColumn;
  }

  /** The exact time column, epoch milliseconds. */
  public String millisColumn() {
    return millisColumn;
  }
}
