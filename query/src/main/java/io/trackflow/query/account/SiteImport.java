package io.trackflow.query.account;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * One import of a site's history from a CSV export: its state, how far it got, what went wrong
 * per file, and the dates it covers once known. {@code updatedAt} moves while a job works on it,
 * so an import whose job died (its server stopped) can be told apart from a running one.
 */
public record SiteImport(long id, String domain, Status status, long rowsTotal, long rowsDone,
    List<FileError> errors, LocalDate startDate, LocalDate endDate, long createdBy, long createdAt,
    long updatedAt, Long finishedAt) {

  /** Where an import stands. */
  public enum Status {
    RUNNING, DONE, FAILED;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Status parse(String label) {
      return valueOf(label.toUpperCase(java.util.Locale.ROOT));
    }
  }

  /** Why one file (or the upload as a whole, with file null) could not be imported. */
  public record FileError(String file, String message) {}

  public SiteImport {
    errors = List.copyOf(errors);
  }

  /** The same import with another state (the id, site and creation stay). */
  public SiteImport with(Status status, long rowsTotal, long rowsDone, List<FileError> errors, LocalDate startDate,
      LocalDate endDate, long updatedAt, Long finishedAt) {
    return new SiteImport(id, domain, status, rowsTotal, rowsDone, errors, startDate, endDate, createdBy, createdAt,
        updatedAt, finishedAt);
  }

  /** The errors as stored: a JSON array of {file, message}. */
  public String errorsJson() {
    JsonArray array = new JsonArray();
    for (FileError e : errors) {
      array.add(new JsonObject().put("file", e.file()).put("message", e.message()));
    }
    return array.encode();
  }

  public static List<FileError> parseErrors(String json) {
    List<FileError> errors = new ArrayList<>();
    if (json != null && !json.isBlank()) {
      for (Object o : new JsonArray(json)) {
        JsonObject e = (JsonObject) o;
        errors.add(new FileError(e.getString("file"), e.getString("message")));
      }
    }
    return errors;
  }
}
