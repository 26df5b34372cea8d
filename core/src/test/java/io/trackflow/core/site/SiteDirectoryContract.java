package io.trackflow.core.site;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.queue.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The site directory port's contract, run against every real adapter: what the collector sees of
 * the sites that are created, re-zoned and deleted where sites are managed. For a shared store the
 * changes are made as another process would make them, since that is how they reach collectors.
 */
public abstract class SiteDirectoryContract {

  protected Vertx vertx;
  private SiteDirectory directory;

  /** The directory under test over fresh, empty storage. */
  protected abstract SiteDirectory openDirectory(Vertx vertx) throws Exception;

  /** Releases what {@link #openDirectory} built. */
  protected abstract void closeDirectory() throws Exception;

  /** Creates a site where sites are managed (the sites API's store). */
  protected abstract void createSite(String domain, String timezone) throws Exception;

  protected abstract void changeTimezone(String domain, String timezone) throws Exception;

  /** Makes the site honour (or stop honouring) the browser's privacy signals. */
  protected abstract void changePrivacySignals(String domain, boolean honoured) throws Exception;

  protected abstract void deleteSite(String domain) throws Exception;

  @BeforeEach
  void open() throws Exception {
    vertx = Vertx.vertx();
    directory = openDirectory(vertx);
  }

  @AfterEach
  void close() throws Exception {
    try {
      closeDirectory();
    } finally {
      await(vertx.close());
    }
  }

  protected static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(Await.SAFETY_NET.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("A directory over empty storage lists no sites")
  void emptyAtFirst() throws Exception {
    assertThat(await(directory.listSites())).isEmpty();
  }

  @Test
  @DisplayName("The listing holds exactly the sites that exist, each with its current time zone")
  void listingFollowsChanges() throws Exception {
    createSite("a.example", "UTC");
    createSite("b.example", "Europe/Berlin");
    assertThat(await(directory.listSites())).containsExactlyInAnyOrder(
        new SiteInfo("a.example", "UTC"), new SiteInfo("b.example", "Europe/Berlin"));

    changeTimezone("b.example", "Asia/Tokyo");
    deleteSite("a.example");
    assertThat(await(directory.listSites())).containsExactly(new SiteInfo("b.example", "Asia/Tokyo"));
  }

  @Test
  @DisplayName("Listeners are told of a created, a re-zoned, a privacy-signal change and a deleted site, and a listing made when told shows it")
  void listenersHearEachChange() throws Exception {
    // What a collector does: on every call, read the whole listing again.
    List<List<SiteInfo>> listings = new CopyOnWriteArrayList<>();
    directory.onChange(() -> directory.listSites().onSuccess(listings::add));

    // A first change seen proves the listener is in place (a shared store listens asynchronously).
    changeAndAwait(listings, "first.example created", () -> createSite("first.example", "UTC"),
        l -> l.contains(new SiteInfo("first.example", "UTC")));

    changeAndAwait(listings, "a.example created", () -> createSite("a.example", "UTC"),
        l -> l.contains(new SiteInfo("a.example", "UTC")));
    changeAndAwait(listings, "a.example re-zoned", () -> changeTimezone("a.example", "America/New_York"),
        l -> l.contains(new SiteInfo("a.example", "America/New_York")));
    changeAndAwait(listings, "a.example honours privacy signals", () -> changePrivacySignals("a.example", true),
        l -> l.contains(new SiteInfo("a.example", "America/New_York", true)));
    changeAndAwait(listings, "a.example ignores privacy signals again", () -> changePrivacySignals("a.example", false),
        l -> l.contains(new SiteInfo("a.example", "America/New_York", false)));
    changeAndAwait(listings, "a.example deleted", () -> deleteSite("a.example"),
        l -> l.contains(new SiteInfo("first.example", "UTC")) && l.stream().noneMatch(s -> s.domain().equals("a.example")));
  }

  /** A change to the sites, made where sites are managed. */
  @FunctionalInterface
  protected interface Change {
    void make() throws Exception;
  }

  /** Makes the change, then waits for a listing, made by the listener after it, that shows it. */
  private static void changeAndAwait(List<List<SiteInfo>> listings, String what, Change change,
      Predicate<List<SiteInfo>> shows) throws Exception {
    int before = listings.size();
    change.make();
    Await.until("a listener call after " + what + " whose listing shows it",
        () -> listings.subList(before, listings.size()).stream().anyMatch(shows),
        () -> listings.subList(before, listings.size()));
  }
}
