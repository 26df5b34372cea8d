package io.trackflow.query.stats;

import io.trackflow.core.store.ImportedTable;
import io.trackflow.query.data.Csv;
import io.trackflow.query.stats.Query.DateRangeSpec;
import io.trackflow.query.stats.Query.Include;
import io.trackflow.query.stats.Query.Pagination;
import io.trackflow.query.stats.QueryRunner.Raw;
import io.trackflow.query.stats.QueryRunner.Row;
import io.trackflow.query.stats.SqlBuilder.Agg;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A site's stats for a range and filters as a zip of CSV files in the layout of Plausible's CSV
 * export ({@code imported_visitors_20260101_20260131.csv} and its siblings), which Plausible's
 * importer and TrackFlow's read back. Every number is the stats API's own raw aggregate for the
 * file's dimensions per day (the same queries, so the sums match the API's answers), written one
 * week of days at a time: a large export never sits in memory, and CSV formatting and
 * compression run on worker threads.
 */
public final class CsvExport {

  /** Days queried at once per file. */
  static final int DAYS_PER_CHUNK = 7;
  private static final DateTimeFormatter FILE_DATE = DateTimeFormatter.BASIC_ISO_DATE;

  /** Where the zip's bytes go, in order; the future completes when they may be followed by more. */
  @FunctionalInterface
  public interface Sink {
    Future<Void> write(Buffer bytes);
  }

  /**
   * One file: its table (columns), the dimensions queried, the metrics, extra filters, and the
   * dimension whose visitors must add up exactly (-1: none; see {@link #apportion}).
   */
  private record FileSpec(ImportedTable table, List<String> dimensions, List<Metric> metrics,
      List<Filter> extraFilters, String propKey, int primary) {

    FileSpec(ImportedTable table, List<String> dimensions, List<Metric> metrics, List<Filter> extraFilters,
        String propKey) {
      this(table, dimensions, metrics, extraFilters, propKey, -1);
    }
  }

  private static final List<Metric> SESSION_METRICS = List.of(Metric.VISITORS, Metric.VISITS, Metric.BOUNCE_RATE,
      Metric.VISIT_DURATION, Metric.VIEWS_PER_VISIT);

  private final Vertx vertx;
  private final QueryRunner runner;
  private final Query query;
  private final String site;
  private final DateRange range;
  private final SiteGoals goals;

  CsvExport(Vertx vertx, QueryRunner runner, Query query, String site, DateRange range, SiteGoals goals) {
    this.vertx = vertx;
    this.runner = runner;
    this.query = query;
    this.site = site;
    this.range = range;
    this.goals = goals;
  }

  private LocalDate firstDay() {
    return range.start().toLocalDate();
  }

  private LocalDate lastDay() {
    return range.end().minusNanos(1).toLocalDate();
  }

  /** Plausible's name for the archive: the domain with dots as underscores, and the date. */
  public String archiveName() {
    return site.replaceAll("[^A-Za-z0-9-]", "_") + "_" + firstDay().format(FILE_DATE) + "_"
        + lastDay().format(FILE_DATE) + ".zip";
  }

  /** Writes the whole archive to the sink; fails if a query fails (the sink then holds a partial zip). */
  public Future<Void> writeTo(Sink sink) {
    ZipStream zip = new ZipStream();
    return runner.propKeys(site, range, goals, query.filters()).compose(keys -> {
      List<FileSpec> files = new ArrayList<>(fixedFiles());
      for (String key : keys) {
        Dimension prop = Dimension.parse(Dimension.PROPS_PREFIX + key).orElse(null);
        if (prop != null) {
          files.add(new FileSpec(ImportedTable.CUSTOM_PROPS, List.of(prop.name()), List.of(Metric.VISITORS, Metric.EVENTS),
              List.of(new Filter.Condition(Filter.Op.IS_NOT, prop, List.of("(none)"), true)), key));
        }
      }
      Future<Void> chain = Future.succeededFuture();
      ImportedTable previous = null;
      for (FileSpec file : files) {
        boolean newFile = file.table() != previous;
        previous = file.table();
        chain = chain.compose(v -> newFile ? startFile(zip, file, sink) : Future.succeededFuture())
            .compose(v -> writeDays(zip, file, firstDay(), sink));
      }
      return chain.compose(v -> work(() -> zip.finish())).compose(sink::write);
    });
  }

  private static List<FileSpec> fixedFiles() {
    Filter notPageview = new Filter.Condition(Filter.Op.IS_NOT, Dimension.parse("event:name").orElseThrow(),
        List.of("pageview"), true);
    List<Metric> visitors = List.of(Metric.VISITORS, Metric.VISITS, Metric.PAGEVIEWS, Metric.BOUNCE_RATE,
        Metric.VISIT_DURATION);
    return List.of(
        new FileSpec(ImportedTable.VISITORS, List.of(), visitors, List.of(), null),
        new FileSpec(ImportedTable.SOURCES, List.of("visit:source", "visit:referrer", "visit:utm_source",
            "visit:utm_medium", "visit:utm_campaign", "visit:utm_content", "visit:utm_term"), SESSION_METRICS, List.of(),
            null, 0),
        new FileSpec(ImportedTable.PAGES, List.of("event:hostname", "event:page"),
            List.of(Metric.VISITORS, Metric.VISITS, Metric.PAGEVIEWS), List.of(), null, 1),
        new FileSpec(ImportedTable.ENTRY_PAGES, List.of("visit:entry_page"), SESSION_METRICS, List.of(), null),
        new FileSpec(ImportedTable.EXIT_PAGES, List.of("visit:exit_page"), SESSION_METRICS, List.of(), null),
        new FileSpec(ImportedTable.CUSTOM_EVENTS, List.of("event:name"), List.of(Metric.VISITORS, Metric.EVENTS),
            List.of(notPageview), null),
        new FileSpec(ImportedTable.LOCATIONS, List.of("visit:country", "visit:region", "visit:city"), SESSION_METRICS,
            List.of(), null),
        new FileSpec(ImportedTable.DEVICES, List.of("visit:device"), SESSION_METRICS, List.of(), null),
        new FileSpec(ImportedTable.BROWSERS, List.of("visit:browser", "visit:browser_version"), SESSION_METRICS,
            List.of(), null),
        new FileSpec(ImportedTable.OPERATING_SYSTEMS, List.of("visit:os", "visit:os_version"), SESSION_METRICS,
            List.of(), null));
  }

  private Future<Void> startFile(ZipStream zip, FileSpec file, Sink sink) {
    String name = file.table().tableName() + "_" + firstDay().format(FILE_DATE) + "_" + lastDay().format(FILE_DATE) + ".csv";
    StringBuilder header = new StringBuilder();
    List<String> columns = new ArrayList<>(List.of("date"));
    columns.addAll(file.table().dimensions());
    columns.addAll(file.table().metrics());
    for (int i = 0; i < columns.size(); i++) {
      if (i > 0) {
        header.append(',');
      }
      Csv.quoted(header, columns.get(i));
    }
    header.append('\n');
    return work(() -> zip.entry(name, header.toString())).compose(sink::write);
  }

  /** The file's rows from {@code from} on, a chunk of days per query, each chunk written before the next is read. */
  private Future<Void> writeDays(ZipStream zip, FileSpec file, LocalDate from, Sink sink) {
    if (from.isAfter(lastDay())) {
      return Future.succeededFuture();
    }
    LocalDate to = from.plusDays(DAYS_PER_CHUNK - 1);
    if (to.isAfter(lastDay())) {
      to = lastDay();
    }
    LocalDate next = to.plusDays(1);
    DateRange chunk = new DateRange(range.zone(), later(range.start(), from), earlier(range.end(), next));
    List<Dimension> dimensions = new ArrayList<>(List.of(Dimension.parse("time:day").orElseThrow()));
    file.dimensions().forEach(d -> dimensions.add(Dimension.parse(d).orElseThrow()));
    List<Filter> filters = new ArrayList<>(query.filters());
    filters.addAll(file.extraFilters());
    Query q = new Query(query.siteId(), file.metrics(), new DateRangeSpec.Dates(from, to), dimensions, filters,
        List.of(), Include.NONE, Pagination.DEFAULT);
    Future<Raw> rows = runner.run(q, site, chunk, goals, List.of(), false);
    Future<Raw> primary = Future.succeededFuture();
    if (file.primary() >= 0) {
      Query byPrimary = new Query(query.siteId(), List.of(Metric.VISITORS), new DateRangeSpec.Dates(from, to),
          List.of(dimensions.get(0), dimensions.get(1 + file.primary())), filters, List.of(), Include.NONE,
          Pagination.DEFAULT);
      primary = runner.run(byPrimary, site, chunk, goals, List.of(), false);
    }
    Future<Raw> totals = primary;
    return Future.all(rows, totals)
        .compose(all -> work(() -> zip.write(csv(file, dimensions, apportion(file, rows.result(), totals.result())))))
        .compose(sink::write)
        .compose(v -> writeDays(zip, file, next, sink));
  }

  /**
   * A visitor with two visits in one day from Google, one with UTM tags and one without, is one
   * of Google's visitors but one in each of the file's two rows; an importer adds rows up, so it
   * would count two. Where a file has a primary dimension (sources: the source; pages: the
   * page), each day's visitors of a primary value are shared out over its rows in proportion to
   * the rows' own visitors (largest remainders), so that they add up to the value's exact
   * visitors, which is what the dashboard's main breakdown shows. A row then holds at most its
   * own visitors; finer breakdowns (by UTM tag) may count fewer than the site's own stats.
   */
  private static Raw apportion(FileSpec file, Raw raw, Raw primary) {
    if (primary == null) {
      return raw;
    }
    int column = 1 + file.primary();
    Map<List<String>, Long> exact = new HashMap<>();
    primary.rows().forEach(r -> exact.put(r.dimensions(), r.get(Agg.VISITORS)));
    Map<List<String>, List<Row>> groups = new LinkedHashMap<>();
    for (Row row : raw.rows()) {
      groups.computeIfAbsent(List.of(row.dimensions().get(0), row.dimensions().get(column)), k -> new ArrayList<>())
          .add(row);
    }
    List<Row> shared = new ArrayList<>(raw.rows().size());
    for (Map.Entry<List<String>, List<Row>> group : groups.entrySet()) {
      List<Row> rows = group.getValue();
      long own = rows.stream().mapToLong(r -> r.get(Agg.VISITORS)).sum();
      long target = exact.getOrDefault(group.getKey(), own);
      long[] share = new long[rows.size()];
      long[] remainder = new long[rows.size()];
      long given = 0;
      for (int i = 0; i < rows.size(); i++) {
        long product = rows.get(i).get(Agg.VISITORS) * target;
        share[i] = own == 0 ? 0 : product / own;
        remainder[i] = own == 0 ? 0 : product % own;
        given += share[i];
      }
      Integer[] order = new Integer[rows.size()];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      java.util.Arrays.sort(order, (a, b) -> Long.compare(remainder[b], remainder[a]));
      for (int k = 0; given < target && k < order.length; k++, given++) {
        share[order[k]]++;
      }
      for (int i = 0; i < rows.size(); i++) {
        Map<Agg, Number> aggs = new EnumMap<>(Agg.class);
        aggs.putAll(rows.get(i).aggs());
        aggs.put(Agg.VISITORS, share[i]);
        shared.add(new Row(rows.get(i).dimensions(), aggs));
      }
    }
    return new Raw(shared, false, null, null, null, null);
  }

  private java.time.ZonedDateTime later(java.time.ZonedDateTime start, LocalDate day) {
    java.time.ZonedDateTime dayStart = day.atStartOfDay(range.zone());
    return dayStart.isAfter(start) ? dayStart : start;
  }

  private java.time.ZonedDateTime earlier(java.time.ZonedDateTime end, LocalDate day) {
    java.time.ZonedDateTime dayStart = day.atStartOfDay(range.zone());
    return dayStart.isBefore(end) ? dayStart : end;
  }

  /** The chunk's lines, ordered by day and then by the dimension values. */
  private static String csv(FileSpec file, List<Dimension> dimensions, Raw raw) {
    List<Row> rows = new ArrayList<>(raw.rows());
    rows.sort((a, b) -> {
      for (int i = 0; i < a.dimensions().size(); i++) {
        int c = ResultShaper.compareCodePoints(a.dimensions().get(i), b.dimensions().get(i));
        if (c != 0) {
          return c;
        }
      }
      return 0;
    });
    StringBuilder out = new StringBuilder(rows.size() * 64);
    for (Row row : rows) {
      Csv.quoted(out, row.dimensions().get(0));
      List<String> values = new ArrayList<>();
      if (file.propKey() != null) {
        values.add(file.propKey());
      }
      for (int i = 1; i < dimensions.size(); i++) {
        String shown = row.dimensions().get(i);
        // The stats API labels empty values ("Direct / None"); the file keeps them empty.
        values.add(shown.equals(dimensions.get(i).emptyLabel()) ? "" : shown);
      }
      // Columns the stats have no dimension for stay empty (custom events' link_url and path).
      while (values.size() < file.table().dimensions().size()) {
        values.add("");
      }
      for (String value : values) {
        out.append(',');
        Csv.quoted(out, value);
      }
      for (String metric : file.table().metrics()) {
        out.append(',').append(value(metric, row, file.table()));
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static long value(String column, Row row, ImportedTable table) {
    boolean eventPages = table == ImportedTable.VISITORS || table == ImportedTable.PAGES;
    return switch (column) {
      case "visitors" -> row.get(Agg.VISITORS);
      case "visits", "entrances", "exits" -> row.get(Agg.VISITS);
      case "pageviews" -> eventPages ? row.get(Agg.PAGEVIEWS) : row.get(Agg.SESSION_PAGEVIEWS);
      case "bounces" -> row.get(Agg.BOUNCES);
      case "visit_duration" -> durationSeconds(row.get(Agg.DURATION_MS), row.get(Agg.SESSIONS));
      case "events" -> row.get(Agg.EVENTS);
      default -> 0L; // pageleave_visitors: TrackFlow keeps no page-leave counts
    };
  }

  /**
   * The visits' total duration in whole seconds (the file's unit): the nearest to the exact
   * total among those that, divided by the visits, round to the average the stats API shows,
   * so an import of the file answers the same visit duration.
   */
  static long durationSeconds(long durationMillis, long visits) {
    long nearest = Math.floorDiv(durationMillis + 500, 1000);
    if (visits == 0) {
      return nearest;
    }
    long average = ResultShaper.ratio(durationMillis, 1000L * visits, 0).longValue();
    long low = Math.max(0, ceilHalf((2 * average - 1) * visits));
    long high = ceilHalf((2 * average + 1) * visits) - 1;
    return Math.max(low, Math.min(high, nearest));
  }

  private static long ceilHalf(long n) {
    return Math.floorDiv(n + 1, 2);
  }

  /** CPU work (formatting, deflating) off the event loop, in order. */
  private Future<Buffer> work(java.util.concurrent.Callable<Buffer> task) {
    return vertx.executeBlocking(task, true);
  }

  /** A zip written entry by entry; each call answers the bytes produced so far. */
  private static final class ZipStream {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
    private final ZipOutputStream zip = new ZipOutputStream(bytes, StandardCharsets.UTF_8);

    Buffer entry(String name, String header) {
      return run(z -> {
        z.putNextEntry(new ZipEntry(name));
        z.write(header.getBytes(StandardCharsets.UTF_8));
      });
    }

    Buffer write(String text) {
      return run(z -> z.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    Buffer finish() {
      return run(ZipOutputStream::finish);
    }

    private interface ZipWork {
      void apply(ZipOutputStream zip) throws IOException;
    }

    private synchronized Buffer run(ZipWork work) {
      try {
        work.apply(zip);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Buffer out = Buffer.buffer(bytes.toByteArray());
      bytes.reset();
      return out;
    }
  }
}
