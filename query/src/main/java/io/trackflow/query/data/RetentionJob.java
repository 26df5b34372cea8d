package io.trackflow.query.data;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.trackflow.core.store.EventStore;
import io.trackflow.query.account.AccountStore;
import io.trackflow.query.account.Site;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention: once a day, every site with a retention period of N days loses its events and
 * sessions from before the start of the N-th last day in its own time zone (today counts), so
 * the site's "last N days" stay whole and nothing older remains. The event store drops whole
 * daily partitions where every site in them has expired. Each run is logged and counted; the
 * trimmed sites' cached answers are dropped. Query replicas may each run it: a second run finds
 * nothing left to delete.
 */
public final class RetentionJob {

  private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);

  private final Vertx vertx;
  private final AccountStore accounts;
  private final EventStore events;
  private final Function<String, Future<Void>> invalidate;
  private final Clock clock;
  private final Counter succeeded;
  private final Counter failed;
  private final Counter partitions;
  private final Counter rows;
  private final AtomicBoolean running = new AtomicBoolean();
  private long timer = -1;

  public RetentionJob(Vertx vertx, AccountStore accounts, EventStore events,
      Function<String, Future<Void>> invalidate, MeterRegistry registry, Clock clock) {
    this.vertx = vertx;
    this.accounts = accounts;
    this.events = events;
    this.invalidate = invalidate;
    this.clock = clock;
    this.succeeded = runs(registry, "success");
    this.failed = runs(registry, "failure");
    this.partitions = Counter.builder("trackflow.retention.partitions.dropped")
        .description("Whole daily partitions the retention job dropped").register(registry);
    this.rows = Counter.builder("trackflow.retention.rows.deleted")
        .description("Event and session rows the retention job removed (where the store counts them)")
        .register(registry);
  }

  private static Counter runs(MeterRegistry registry, String result) {
    return Counter.builder("trackflow.retention.runs").tag("result", result)
        .description("Runs of the daily retention job, by result").register(registry);
  }

  /** Runs after {@code firstDelay}, then every {@code every}. */
  public void start(Duration firstDelay, Duration every) {
    timer = vertx.setTimer(Math.max(1, firstDelay.toMillis()), first -> {
      runLogged();
      timer = vertx.setPeriodic(every.toMillis(), id -> runLogged());
    });
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  private void runLogged() {
    runOnce().onFailure(e -> log.warn("Retention run failed, next run tomorrow: {}", e.toString()));
  }

  /** One run now: answers what the store removed (nothing when a run is already going). */
  public Future<EventStore.Trimmed> runOnce() {
    if (!running.compareAndSet(false, true)) {
      return Future.succeededFuture(new EventStore.Trimmed(0, 0));
    }
    return accounts.listSites()
        .compose(sites -> {
          Map<String, Instant> cutoffs = cutoffs(sites, clock.instant());
          if (cutoffs.isEmpty()) {
            return Future.succeededFuture(new EventStore.Trimmed(0, 0));
          }
          return events.deleteOlderThan(cutoffs).compose(trimmed -> {
            log.info("Retention: {} site(s) trimmed to their retention period, {} daily partition(s) dropped, "
                + "{} row(s) deleted", cutoffs.size(), trimmed.partitionsDropped(), trimmed.rowsDeleted());
            partitions.increment(trimmed.partitionsDropped());
            rows.increment(trimmed.rowsDeleted());
            Future<Void> dropped = Future.succeededFuture();
            for (String site : cutoffs.keySet()) {
              dropped = dropped.compose(v -> invalidate.apply(site).otherwise(e -> null));
            }
            return dropped.map(trimmed);
          });
        })
        .onSuccess(t -> succeeded.increment())
        .onFailure(e -> failed.increment())
        .andThen(r -> running.set(false));
  }

  /** Per site with a retention period: the start of its oldest kept day, in its own zone. */
  static Map<String, Instant> cutoffs(Iterable<Site> sites, Instant now) {
    Map<String, Instant> cutoffs = new LinkedHashMap<>();
    for (Site site : sites) {
      if (site.retentionDays() != null) {
        ZoneId zone = zone(site.timezone());
        LocalDate oldestKept = LocalDate.ofInstant(now, zone).minusDays(site.retentionDays() - 1L);
        cutoffs.put(site.domain(), oldestKept.atStartOfDay(zone).toInstant());
      }
    }
    return cutoffs;
  }

  private static ZoneId zone(String timezone) {
    try {
      return ZoneId.of(timezone);
    } catch (DateTimeException e) {
      return ZoneOffset.UTC;
    }
  }
}
