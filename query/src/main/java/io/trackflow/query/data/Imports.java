package io.trackflow.query.data;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.trackflow.core.http.HttpFailure;
import io.trackflow.core.store.EventStore;
import io.trackflow.core.store.ImportedRow;
import io.trackflow.query.account.AccountStore;
import io.trackflow.query.account.SiteImport;
import io.trackflow.query.account.SiteImport.FileError;
import io.trackflow.query.account.SiteImport.Status;
import io.vertx.core.Future;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports of a site's history from a Plausible CSV export (a zip of {@code imported_*.csv}
 * files). Each runs as a job on a virtual thread of its own, never on an event loop, in two
 * passes over the uploaded zip: the first reads every file and stops at the first problem in
 * each (an import with any bad file stores nothing and fails, listing each file's problem); the
 * second stores the rows in batches, reporting progress. Once every row is stored, the rows that
 * earlier imports had for the same dates are removed, so importing a range again replaces it.
 * If storing fails, what this import stored is removed again.
 */
public final class Imports {

  private static final Logger log = LoggerFactory.getLogger(Imports.class);

  /** Rows per insert. */
  static final int BATCH = 10_000;
  /** Imports running at once in this process; more get 503. */
  static final int MAX_RUNNING = 2;
  /** Entries a zip may hold. */
  static final int MAX_FILES = 100;
  /** A running import not updated for this long lost its job (its server stopped). */
  static final Duration STALLED = Duration.ofMinutes(5);
  private static final Duration WAIT = Duration.ofMinutes(10);

  private final AccountStore accounts;
  private final EventStore events;
  private final Function<String, Future<Void>> invalidate;
  private final Clock clock;
  private final Set<String> runningSites = ConcurrentHashMap.newKeySet();
  private final Counter done;
  private final Counter failed;
  private final Counter rows;
  private final Counter storeFailures;

  public Imports(AccountStore accounts, EventStore events, Function<String, Future<Void>> invalidate,
      MeterRegistry registry, Clock clock) {
    this.accounts = accounts;
    this.events = events;
    this.invalidate = invalidate;
    this.clock = clock;
    this.done = outcome(registry, "done");
    this.failed = outcome(registry, "failed");
    this.rows = Counter.builder("trackflow.imports.rows").description("Rows stored by imports")
        .register(registry);
    // Failed imports are mostly bad files, the uploader's to fix; these are the operator's.
    this.storeFailures = Counter.builder("trackflow.imports.store.failures")
        .description("Imports that failed for a reason other than their file (the event or account store failed)")
        .register(registry);
    // With the rows counter, shows an import that runs without progress.
    Gauge.builder("trackflow.imports.running", runningSites, Set::size)
        .description("Imports this process is running").register(registry);
  }

  private static Counter outcome(MeterRegistry registry, String status) {
    return Counter.builder("trackflow.imports.finished").tag("status", status)
        .description("Imports finished, by outcome").register(registry);
  }

  /**
   * Starts importing the zip at {@code upload} (which the job deletes when it ends) into the
   * site; answers the running import. 409 while the site has an import running here, 503 when
   * this process runs its maximum already.
   */
  public Future<SiteImport> start(String domain, long userId, Path upload) {
    HttpFailure refused = claim(domain);
    if (refused != null) {
      return Future.failedFuture(refused);
    }
    return accounts.createImport(domain, userId, clock.millis())
        .onSuccess(created -> Thread.ofVirtual().name("trackflow-import-" + created.id())
            .start(() -> run(created, upload)))
        .onFailure(e -> runningSites.remove(domain));
  }

  /** Takes a slot for the site's import, or says why not (HTTP verticles call this concurrently). */
  private synchronized HttpFailure claim(String domain) {
    if (runningSites.contains(domain)) {
      return new HttpFailure(409, "import_running", "an import of this site is running; wait until it has finished");
    }
    if (runningSites.size() >= MAX_RUNNING) {
      return new HttpFailure(503, "imports_busy",
          "the server is running " + MAX_RUNNING + " imports already; try again when one has finished");
    }
    runningSites.add(domain);
    return null;
  }

  /** The import as callers see it: a running one whose job stopped reporting reads as failed. */
  public SiteImport current(SiteImport stored) {
    if (stored.status() == Status.RUNNING && clock.millis() - stored.updatedAt() > STALLED.toMillis()) {
      List<FileError> errors = new ArrayList<>(stored.errors());
      errors.add(new FileError(null, "the import stopped without finishing (its server stopped); delete it and "
          + "import the file again"));
      return stored.with(Status.FAILED, stored.rowsTotal(), stored.rowsDone(), errors, stored.startDate(),
          stored.endDate(), stored.updatedAt(), null);
    }
    return stored;
  }

  /** True when this process is running an import of the site. */
  public boolean running(String domain) {
    return runningSites.contains(domain);
  }

  private void run(SiteImport created, Path upload) {
    SiteImport state = created;
    String domain = created.domain();
    try {
      state = importZip(state, upload);
    } catch (Exception e) {
      log.warn("Import {} of {} failed: {}", created.id(), domain, e.toString());
      storeFailures.increment();
      try {
        await(events.deleteImport(domain, created.id()));
      } catch (Exception cleanup) {
        log.warn("Import {} of {}: removing its rows failed ({}); deleting the import removes them", created.id(),
            domain, cleanup.toString());
      }
      state = finish(state, Status.FAILED, state.rowsTotal(), state.rowsDone(),
          List.of(new FileError(null, "storing the rows failed: " + e.getMessage())), state.startDate(), state.endDate());
    } finally {
      runningSites.remove(domain);
      try {
        Files.deleteIfExists(upload);
      } catch (Exception e) {
        log.warn("Could not delete the upload {}: {}", upload, e.toString());
      }
    }
  }

  private SiteImport importZip(SiteImport state, Path upload) throws Exception {
    String domain = state.domain();
    List<ImportedCsv> files = new ArrayList<>();
    List<FileError> errors = new ArrayList<>();
    long total = 0;
    LocalDate first = null;
    LocalDate last = null;
    try (ZipFile zip = new ZipFile(upload.toFile(), StandardCharsets.UTF_8)) {
      List<? extends ZipEntry> entries = Collections.list(zip.entries()).stream()
          .filter(e -> !e.isDirectory() && !e.getName().startsWith("__MACOSX/")
              && !e.getName().substring(e.getName().lastIndexOf('/') + 1).startsWith("."))
          .sorted(java.util.Comparator.comparing(ZipEntry::getName))
          .toList();
      if (entries.size() > MAX_FILES) {
        return finish(state, Status.FAILED, 0, 0, List.of(new FileError(null,
            "the zip holds " + entries.size() + " files; at most " + MAX_FILES + " are imported at once")), null, null);
      }
      // Pass one: every file is read through; a bad file is reported and nothing is stored.
      for (ZipEntry entry : entries) {
        String name = entry.getName().substring(entry.getName().lastIndexOf('/') + 1);
        try {
          ImportedCsv file = ImportedCsv.of(entry.getName());
          DateSpan span = new DateSpan();
          long[] counted = {0};
          SiteImport beating = state;
          try (Reader in = reader(zip, entry)) {
            file.read(in, row -> {
              span.add(row.date());
              if (++counted[0] % BATCH == 0) {
                heartbeat(beating); // a long file: show the job is alive
              }
            });
          }
          files.add(file);
          total += counted[0];
          first = ImportedCsv.earlier(first, file.from != null ? file.from : span.first);
          last = ImportedCsv.later(last, file.to != null ? file.to : span.last);
        } catch (ImportedCsv.BadFile e) {
          errors.add(new FileError(name, e.getMessage()));
        } catch (ZipException e) {
          errors.add(new FileError(name, "the zip entry cannot be read: " + e.getMessage()));
        }
      }
    } catch (ZipException e) {
      return finish(state, Status.FAILED, 0, 0, List.of(new FileError(null,
          "the upload is not a readable zip file: " + e.getMessage())), null, null);
    }
    if (files.isEmpty() && errors.isEmpty()) {
      errors.add(new FileError(null, "the zip holds no imported_*.csv files"));
    }
    if (!errors.isEmpty()) {
      return finish(state, Status.FAILED, total, 0, errors, null, null);
    }
    state = update(state, Status.RUNNING, total, 0, List.of(), first, last, null);

    // Pass two: store the rows.
    long stored = 0;
    try (ZipFile zip = new ZipFile(upload.toFile(), StandardCharsets.UTF_8)) {
      for (ImportedCsv file : files) {
        ZipEntry entry = zip.getEntry(file.entryName);
        List<ImportedRow> batch = new ArrayList<>(BATCH);
        long[] done = {stored};
        SiteImport[] current = {state};
        try (Reader in = reader(zip, entry)) {
          file.read(in, row -> {
            batch.add(row);
            if (batch.size() == BATCH) {
              current[0] = store(current[0], file, batch, done);
            }
          });
        }
        if (!batch.isEmpty()) {
          current[0] = store(current[0], file, batch, done);
        }
        state = current[0];
        stored = done[0];
      }
    }
    if (first != null) {
      await(events.deleteImportedRange(domain, first, last, state.id()));
    }
    await(invalidate.apply(domain).otherwise(e -> null));
    log.info("Import {} of {}: {} rows of {} file(s) stored, {} to {}", state.id(), domain, stored, files.size(),
        first, last);
    return finish(state, Status.DONE, total, stored, List.of(), first, last);
  }

  private SiteImport store(SiteImport state, ImportedCsv file, List<ImportedRow> batch, long[] done) throws Exception {
    await(events.insertImported(file.table, state.domain(), state.id(), List.copyOf(batch)));
    done[0] += batch.size();
    rows.increment(batch.size());
    batch.clear();
    return update(state, Status.RUNNING, state.rowsTotal(), done[0], List.of(), state.startDate(), state.endDate(), null);
  }

  private static Reader reader(ZipFile zip, ZipEntry entry) throws java.io.IOException {
    return new java.io.BufferedReader(new InputStreamReader(zip.getInputStream(entry), StandardCharsets.UTF_8), 64 * 1024);
  }

  private void heartbeat(SiteImport state) throws Exception {
    await(accounts.updateImport(state.with(state.status(), state.rowsTotal(), state.rowsDone(), state.errors(),
        state.startDate(), state.endDate(), clock.millis(), state.finishedAt())));
  }

  private SiteImport update(SiteImport state, Status status, long total, long done, List<FileError> errors,
      LocalDate first, LocalDate last, Long finishedAt) throws Exception {
    SiteImport next = state.with(status, total, done, errors, first, last, clock.millis(), finishedAt);
    await(accounts.updateImport(next));
    return next;
  }

  private SiteImport finish(SiteImport state, Status status, long total, long done, List<FileError> errors,
      LocalDate first, LocalDate last) {
    long now = clock.millis();
    SiteImport next = state.with(status, total, done, errors, first, last, now, now);
    // Counted and released before the end is recorded: whoever reads the import as finished
    // also finds it in the metrics and no longer running here.
    (status == Status.DONE ? this.done : failed).increment();
    runningSites.remove(state.domain());
    try {
      await(accounts.updateImport(next));
    } catch (Exception e) {
      log.warn("Import {} of {}: recording its end failed: {}", state.id(), state.domain(), e.toString());
    }
    return next;
  }

  /** Waits on the job's own virtual thread (never an event loop) for a store call. */
  private static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  /** The earliest and latest date seen. */
  private static final class DateSpan {
    LocalDate first;
    LocalDate last;

    void add(LocalDate date) {
      first = ImportedCsv.earlier(first, date);
      last = ImportedCsv.later(last, date);
    }
  }
}
