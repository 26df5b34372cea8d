package io.trackflow.query.site;

import io.trackflow.core.store.EventStore;
import io.trackflow.query.account.AccountStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deleting a site for good: its events first (so a failure leaves the site in place to retry),
 * then the site with its members, links and key scopes, then its cached answers. Hits already
 * in the queue when the site disappeared are swept by a second event delete a little later.
 */
public final class SiteDeletion {

  private static final Logger log = LoggerFactory.getLogger(SiteDeletion.class);

  private final Vertx vertx;
  private final AccountStore store;
  private final Optional<EventStore> events;
  private final Function<String, Future<Void>> invalidateCache;
  private final Duration sweepDelay;

  public SiteDeletion(Vertx vertx, AccountStore store, Optional<EventStore> events,
      Function<String, Future<Void>> invalidateCache, Duration sweepDelay) {
    this.vertx = vertx;
    this.store = store;
    this.events = events;
    this.invalidateCache = invalidateCache;
    this.sweepDelay = sweepDelay;
  }

  public Future<Void> delete(String domain) {
    return deleteEvents(domain)
        .compose(v -> store.deleteSite(domain))
        .compose(v -> invalidateCache.apply(domain).otherwise(e -> {
          // The entries expire on their own; a cache outage must not fail the delete.
          log.warn("Could not drop cached answers of deleted site {}: {}", domain, e.getMessage());
          return null;
        }))
        .onSuccess(v -> {
          if (events.isPresent() && !sweepDelay.isZero()) {
            vertx.setTimer(sweepDelay.toMillis(), id -> deleteEvents(domain)
                .onFailure(e -> log.warn("Second sweep of deleted site {} failed: {}", domain, e.getMessage())));
          }
        });
  }

  /**
   * Resets a site's stats: deletes its events, sessions and imported history (with the records of
   * its imports), keeps the site, then drops its cached answers. Visits open at that moment
   * continue from their in-memory state in the writer, so their first rows after the reset may
   * carry totals that include deleted events.
   */
  public Future<Void> resetStats(String domain) {
    return deleteEvents(domain)
        .compose(v -> store.imports(domain))
        .compose(imports -> {
          Future<Boolean> chain = Future.succeededFuture();
          for (var imported : imports) {
            chain = chain.compose(x -> store.deleteImport(domain, imported.id()));
          }
          return chain;
        })
        .compose(v -> invalidateCache.apply(domain));
  }

  private Future<Void> deleteEvents(String domain) {
    return events.map(e -> e.deleteSite(domain)).orElse(Future.succeededFuture());
  }
}
