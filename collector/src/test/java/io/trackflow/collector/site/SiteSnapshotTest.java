package io.trackflow.collector.site;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.collector.Await;
import io.trackflow.core.site.SiteDirectory;
import io.trackflow.core.site.SiteInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SiteSnapshotTest {

  /** An in-memory site directory that counts how often it is read. */
  static final class Directory implements SiteDirectory {
    final List<SiteInfo> sites = new CopyOnWriteArrayList<>();
    final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    final AtomicInteger reads = new AtomicInteger();

    @Override
    public Future<List<SiteInfo>> listSites() {
      reads.incrementAndGet();
      return Future.succeededFuture(List.copyOf(sites));
    }

    @Override
    public void onChange(Runnable listener) {
      listeners.add(listener);
    }
  }

  @Test
  @DisplayName("Domains match the registered site ignoring case, a trailing dot and www, and resolve to the registered spelling")
  void matching() throws Exception {
    Directory dir = new Directory();
    dir.sites.add(new SiteInfo("Example.com", "UTC"));
    dir.sites.add(new SiteInfo("www.blog.org", "UTC"));
    Vertx vertx = Vertx.vertx();
    try {
      SiteSnapshot snapshot = new SiteSnapshot(dir);
      snapshot.start(vertx, 60_000).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      assertThat(snapshot.resolve("example.com")).isEqualTo("Example.com");
      assertThat(snapshot.resolve("WWW.EXAMPLE.COM.")).isEqualTo("Example.com");
      assertThat(snapshot.resolve("blog.org")).isEqualTo("www.blog.org");
      assertThat(snapshot.resolve("other.net")).isNull();
      snapshot.stop();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("A site added later is accepted once the directory signals the change, without a read per hit")
  void refreshesOnChange() throws Exception {
    Directory dir = new Directory();
    Vertx vertx = Vertx.vertx();
    try {
      SiteSnapshot snapshot = new SiteSnapshot(dir);
      snapshot.start(vertx, 60_000).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      for (int i = 0; i < 1000; i++) {
        assertThat(snapshot.resolve("new.site")).isNull();
      }
      assertThat(dir.reads.get()).isEqualTo(1);
      dir.sites.add(new SiteInfo("new.site", "UTC"));
      dir.listeners.forEach(Runnable::run);
      Await.until(() -> snapshot.resolve("new.site") != null, Duration.ofSeconds(10));
      assertThat(snapshot.resolve("new.site")).isEqualTo("new.site");
      snapshot.stop();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("The periodic refresh picks up changes even when no change is signalled")
  void refreshesPeriodically() throws Exception {
    Directory dir = new Directory();
    Vertx vertx = Vertx.vertx();
    try {
      SiteSnapshot snapshot = new SiteSnapshot(dir);
      snapshot.start(vertx, 20).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      dir.sites.add(new SiteInfo("quiet.site", "UTC"));
      Await.until(() -> snapshot.resolve("quiet.site") != null, Duration.ofSeconds(10));
      assertThat(snapshot.resolve("quiet.site")).isEqualTo("quiet.site");
      snapshot.stop();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }
}
