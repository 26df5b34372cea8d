package io.trackflow.core.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The daily aggregate tables imported data lands in, one per CSV file of Plausible's export
 * ({@code imported_visitors_20240101_20240131.csv} and its siblings), with the same names and
 * columns: the site's local date, the file's dimension columns (strings), its metric columns
 * (whole numbers). {@link #CUSTOM_PROPS} is TrackFlow's own addition. Both stores keep each table
 * with a site and an import id in front (docs/data.md lists them).
 */
public enum ImportedTable {
  VISITORS("imported_visitors", List.of(), List.of("visitors", "pageviews", "bounces", "visits", "visit_duration")),
  SOURCES("imported_sources",
      List.of("source", "referrer", "utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term"),
      List.of("pageviews", "visitors", "visits", "visit_duration", "bounces")),
  PAGES("imported_pages", List.of("hostname", "page"), List.of("visits", "visitors", "pageviews", "pageleave_visitors")),
  ENTRY_PAGES("imported_entry_pages", List.of("entry_page"),
      List.of("visitors", "entrances", "visit_duration", "bounces", "pageviews")),
  EXIT_PAGES("imported_exit_pages", List.of("exit_page"),
      List.of("visitors", "visit_duration", "exits", "bounces", "pageviews")),
  CUSTOM_EVENTS("imported_custom_events", List.of("name", "link_url", "path"), List.of("visitors", "events")),
  LOCATIONS("imported_locations", List.of("country", "region", "city"),
      List.of("visitors", "visits", "visit_duration", "bounces", "pageviews")),
  DEVICES("imported_devices", List.of("device"), List.of("visitors", "visits", "visit_duration", "bounces", "pageviews")),
  BROWSERS("imported_browsers", List.of("browser", "browser_version"),
      List.of("visitors", "visits", "visit_duration", "bounces", "pageviews")),
  OPERATING_SYSTEMS("imported_operating_systems", List.of("operating_system", "operating_system_version"),
      List.of("visitors", "visits", "visit_duration", "bounces", "pageviews")),
  CUSTOM_PROPS("imported_custom_props", List.of("property", "value"), List.of("visitors", "events"));

  /** The columns every imported table starts with, before the file's own. */
  public static final List<String> KEY_COLUMNS = List.of("site", "import_id", "date");

  private final String tableName;
  private final List<String> dimensions;
  private final List<String> metrics;

  ImportedTable(String tableName, List<String> dimensions, List<String> metrics) {
    this.tableName = tableName;
    this.dimensions = dimensions;
    this.metrics = metrics;
  }

  /** The table's name, also the name its CSV files start with. */
  public String tableName() {
    return tableName;
  }

  /** String columns, in the file's order. */
  public List<String> dimensions() {
    return dimensions;
  }

  /** Whole-number columns, in the file's order. */
  public List<String> metrics() {
    return metrics;
  }

  /** Every stored column: the key columns, then the dimensions, then the metrics. */
  public List<String> columns() {
    List<String> all = new ArrayList<>(KEY_COLUMNS);
    all.addAll(dimensions);
    all.addAll(metrics);
    return all;
  }

  /**
   * The table a file name (without directories and {@code .csv}) starts with, longest match
   * first; like Plausible's importer, the {@code imported_} prefix may be left out.
   */
  public static Optional<ImportedTable> ofFileName(String baseName) {
    String name = baseName.startsWith("imported_") ? baseName : "imported_" + baseName;
    ImportedTable best = null;
    for (ImportedTable t : values()) {
      if ((name.equals(t.tableName) || name.startsWith(t.tableName + "_"))
          && (best == null || t.tableName.length() > best.tableName.length())) {
        best = t;
      }
    }
    return Optional.ofNullable(best);
  }
}
