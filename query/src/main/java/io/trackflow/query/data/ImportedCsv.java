package io.trackflow.query.data;

import io.trackflow.core.store.ImportedRow;
import io.trackflow.core.store.ImportedTable;
import java.io.IOException;
import java.io.Reader;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code imported_*.csv} file of a Plausible export: which table it fills, the dates its name
 * says it covers, and its rows. Columns are matched by the header's names (older exports lack
 * some: a missing dimension reads as empty, a missing metric as 0; columns TrackFlow does not
 * keep, like {@code scroll_depth}, are ignored), and rows dated outside the name's range are
 * skipped, as Plausible's importer does.
 */
final class ImportedCsv {

  private static final Pattern RANGE = Pattern.compile("_(\\d{8})_(\\d{8})$");
  private static final Pattern DIGITS = Pattern.compile("\\d{1,18}");

  /** A file that cannot be imported; the message says where and why. */
  static final class BadFile extends Exception {
    BadFile(String message) {
      super(message);
    }
  }

  /** Receives each row of a file. */
  @FunctionalInterface
  interface RowSink {
    void accept(ImportedRow row) throws Exception;
  }

  final String entryName;
  final String fileName;
  final ImportedTable table;
  /** The dates the file name gives (both included), or null. */
  final LocalDate from;
  final LocalDate to;

  private ImportedCsv(String entryName, String fileName, ImportedTable table, LocalDate from, LocalDate to) {
    this.entryName = entryName;
    this.fileName = fileName;
    this.table = table;
    this.from = from;
    this.to = to;
  }

  /** The file for a zip entry's name; a name that is no export file is a bad file. */
  static ImportedCsv of(String entryName) throws BadFile {
    String fileName = entryName.substring(entryName.lastIndexOf('/') + 1);
    if (!fileName.toLowerCase(java.util.Locale.ROOT).endsWith(".csv")) {
      throw new BadFile("not a CSV file; an export holds imported_*.csv files");
    }
    String base = fileName.substring(0, fileName.length() - 4);
    ImportedTable table = ImportedTable.ofFileName(base).orElseThrow(() -> new BadFile(
        "not one of the export's files (imported_visitors, imported_sources, imported_pages, imported_entry_pages, "
            + "imported_exit_pages, imported_custom_events, imported_locations, imported_devices, imported_browsers, "
            + "imported_operating_systems, imported_custom_props, each followed by _YYYYMMDD_YYYYMMDD.csv)"));
    LocalDate from = null;
    LocalDate to = null;
    Matcher m = RANGE.matcher(base);
    if (m.find()) {
      try {
        from = LocalDate.parse(m.group(1), java.time.format.DateTimeFormatter.BASIC_ISO_DATE);
        to = LocalDate.parse(m.group(2), java.time.format.DateTimeFormatter.BASIC_ISO_DATE);
      } catch (DateTimeParseException e) {
        throw new BadFile("the dates in the file name are not valid YYYYMMDD dates");
      }
      if (to.isBefore(from)) {
        throw new BadFile("the file name's end date is before its start date");
      }
    }
    return new ImportedCsv(entryName, fileName, table, from, to);
  }

  /** Reads every row into the sink; answers how many it passed on. */
  long read(Reader in, RowSink sink) throws Exception {
    Csv.CsvReader csv = new Csv.CsvReader(in);
    List<String> header;
    try {
      header = csv.next();
    } catch (Csv.CsvException e) {
      throw new BadFile(e.getMessage());
    }
    if (header == null || header.size() == 1 && header.get(0).isBlank()) {
      throw new BadFile("the file is empty; it needs a header line with the column names");
    }
    Map<String, Integer> positions = new HashMap<>();
    for (int i = 0; i < header.size(); i++) {
      if (positions.put(header.get(i).trim(), i) != null) {
        throw new BadFile("line 1: the column " + header.get(i) + " appears twice");
      }
    }
    Integer datePosition = positions.get("date");
    if (datePosition == null) {
      throw new BadFile("line 1: no date column (the header names the columns: date, "
          + String.join(", ", table.dimensions()) + (table.dimensions().isEmpty() ? "" : ", ")
          + String.join(", ", table.metrics()) + ")");
    }
    int[] dimensions = positions(table.dimensions(), positions);
    int[] metrics = positions(table.metrics(), positions);
    if (java.util.Arrays.stream(metrics).allMatch(p -> p < 0)) {
      throw new BadFile("line 1: none of the columns " + String.join(", ", table.metrics()));
    }
    long passed = 0;
    while (true) {
      List<String> record;
      try {
        record = csv.next();
      } catch (Csv.CsvException e) {
        throw new BadFile(e.getMessage());
      }
      if (record == null) {
        return passed;
      }
      if (record.size() == 1 && record.get(0).isEmpty()) {
        continue; // a blank line, e.g. at the end
      }
      long line = csv.line();
      if (record.size() != header.size()) {
        throw new BadFile("line " + line + ": " + record.size() + " fields, but the header has " + header.size());
      }
      LocalDate date;
      try {
        date = LocalDate.parse(record.get(datePosition).trim());
      } catch (DateTimeParseException e) {
        throw new BadFile("line " + line + ": date: '" + record.get(datePosition) + "' is not a date (YYYY-MM-DD)");
      }
      if (from != null && (date.isBefore(from) || date.isAfter(to))) {
        continue;
      }
      List<String> values = new ArrayList<>(dimensions.length);
      for (int i = 0; i < dimensions.length; i++) {
        String value = dimensions[i] < 0 ? "" : record.get(dimensions[i]);
        // Plausible's unknown city is GeoNames id 0.
        values.add(table.dimensions().get(i).equals("city") && value.equals("0") ? "" : value);
      }
      long[] numbers = new long[metrics.length];
      for (int i = 0; i < metrics.length; i++) {
        if (metrics[i] >= 0) {
          String value = record.get(metrics[i]).trim();
          if (!DIGITS.matcher(value).matches()) {
            throw new BadFile("line " + line + ": " + table.metrics().get(i) + ": '" + record.get(metrics[i])
                + "' is not a whole number of 0 or more");
          }
          numbers[i] = Long.parseLong(value);
        }
      }
      sink.accept(new ImportedRow(date, values, numbers));
      passed++;
    }
  }

  private static int[] positions(List<String> columns, Map<String, Integer> positions) {
    int[] result = new int[columns.size()];
    for (int i = 0; i < columns.size(); i++) {
      result[i] = positions.getOrDefault(columns.get(i), -1);
    }
    return result;
  }

  @Override
  public String toString() {
    return fileName;
  }

  static LocalDate earlier(LocalDate a, LocalDate b) {
    return a == null || b != null && b.isBefore(a) ? b : a;
  }

  static LocalDate later(LocalDate a, LocalDate b) {
    return a == null || b != null && b.isAfter(a) ? b : a;
  }
}
