package io.trackflow.adapters.store;

import java.util.ArrayList;
import java.util.List;

/**
 * The imported daily aggregate tables as event-store schema version 6 created them, written out
 * here (not derived from {@link io.trackflow.core.store.ImportedTable}) so the applied version
 * never changes; a later change to a table is a later version. Each line: the table, its
 * dimension columns, its metric columns.
 */
public final class ImportedTablesV6 {

  private static final List<String[]> TABLES = List.of(
      new String[] {"imported_visitors", "", "visitors pageviews bounces visits visit_duration"},
      new String[] {"imported_sources", "source referrer utm_source utm_medium utm_campaign utm_content utm_term",
          "pageviews visitors visits visit_duration bounces"},
      new String[] {"imported_pages", "hostname page", "visits visitors pageviews pageleave_visitors"},
      new String[] {"imported_entry_pages", "entry_page", "visitors entrances visit_duration bounces pageviews"},
      new String[] {"imported_exit_pages", "exit_page", "visitors visit_duration exits bounces pageviews"},
      new String[] {"imported_custom_events", "name link_url path", "visitors events"},
      new String[] {"imported_locations", "country region city", "visitors visits visit_duration bounces pageviews"},
      new String[] {"imported_devices", "device", "visitors visits visit_duration bounces pageviews"},
      new String[] {"imported_browsers", "browser browser_version", "visitors visits visit_duration bounces pageviews"},
      new String[] {"imported_operating_systems", "operating_system operating_system_version",
          "visitors visits visit_duration bounces pageviews"},
      new String[] {"imported_custom_props", "property value", "visitors events"});

  private ImportedTablesV6() {}

  /**
   * ClickHouse: plain MergeTrees by month and (site, date); rows are never replayed (an import
   * writes each once), and deletes are mutations.
   */
  public static List<String> clickHouse() {
    return ddl("site String,\n  import_id UInt64,\n  date Date", "String", "UInt64",
        "\n) ENGINE = MergeTree()\nPARTITION BY toYYYYMM(date)\nORDER BY (site, date)\nSETTINGS index_granularity = 8192");
  }

  /** DuckDB: every column NOT NULL, like the events table. */
  public static List<String> duckDb() {
    return ddl("site VARCHAR NOT NULL,\n  import_id BIGINT NOT NULL,\n  date DATE NOT NULL", "VARCHAR NOT NULL",
        "BIGINT NOT NULL", "\n)");
  }

  private static List<String> ddl(String keys, String dimensionType, String metricType, String tail) {
    List<String> statements = new ArrayList<>();
    for (String[] t : TABLES) {
      StringBuilder sql = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(t[0]).append(" (\n  ").append(keys);
      for (String d : t[1].isEmpty() ? new String[0] : t[1].split(" ")) {
        sql.append(",\n  ").append(d).append(' ').append(dimensionType);
      }
      for (String m : t[2].split(" ")) {
        sql.append(",\n  ").append(m).append(' ').append(metricType);
      }
      statements.add(sql.append(tail).toString());
    }
    return statements;
  }
}
