package io.trackflow.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link QueryCache} adapter must have. Each test uses keys under a fresh
 * prefix, so adapters over a shared server do not see each other's entries.
 */
public abstract class QueryCacheContract {

  protected Vertx vertx;
  private final List<QueryCache> created = new ArrayList<>();
  private String ns;

  /** Builds a fresh adapter over the backing store. */
  protected abstract QueryCache create(Vertx vertx) throws Exception;

  /** Lets time pass for the adapter: moves a test clock, or nothing where real time counts. */
  protected abstract void elapse(Duration duration);

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    ns = "stats:v1:" + Long.toHexString(System.nanoTime()) + "-";
  }

  @AfterEach
  void tearDown() throws Exception {
    for (QueryCache c : created) {
      await(c.close());
    }
    await(vertx.close());
  }

  protected QueryCache cache() throws Exception {
    QueryCache c = create(vertx);
    created.add(c);
    return c;
  }

  protected static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("A key never written reads as absent (a null result, not a failure)")
  void absent() throws Exception {
    assertThat(await(cache().get(ns + "missing"))).isNull();
  }

  @Test
  @DisplayName("A stored answer reads back byte for byte, including bytes that are not UTF-8")
  void roundTrip() throws Exception {
    QueryCache c = cache();
    Buffer value = Buffer.buffer("{\"results\":[]}").appendBytes(new byte[] {0, (byte) 0xff, (byte) 0xfe, 10});
    await(c.put(ns + "a", value, Duration.ofMinutes(1)));
    assertThat(await(c.get(ns + "a")).getBytes()).isEqualTo(value.getBytes());
  }

  @Test
  @DisplayName("Writing a key again replaces its value")
  void overwrite() throws Exception {
    QueryCache c = cache();
    await(c.put(ns + "a", Buffer.buffer("one"), Duration.ofMinutes(1)));
    await(c.put(ns + "a", Buffer.buffer("two"), Duration.ofMinutes(1)));
    assertThat(await(c.get(ns + "a")).toString()).isEqualTo("two");
  }

  @Test
  @DisplayName("An entry is gone once its time to live has passed, while a longer-lived one stays")
  void expires() throws Exception {
    QueryCache c = cache();
    await(c.put(ns + "short", Buffer.buffer("s"), Duration.ofMillis(300)));
    await(c.put(ns + "long", Buffer.buffer("l"), Duration.ofHours(1)));
    elapse(Duration.ofMillis(400));
    assertThat(awaitAbsent(c, ns + "short")).isTrue();
    assertThat(await(c.get(ns + "long")).toString()).isEqualTo("l");
  }

  @Test
  @DisplayName("Invalidating a prefix drops exactly the keys that start with it")
  void invalidatePrefix() throws Exception {
    QueryCache c = cache();
    await(c.put(ns + "site.one:a", Buffer.buffer("1"), Duration.ofMinutes(1)));
    await(c.put(ns + "site.one:b", Buffer.buffer("2"), Duration.ofMinutes(1)));
    await(c.put(ns + "site.two:a", Buffer.buffer("3"), Duration.ofMinutes(1)));
    await(c.invalidatePrefix(ns + "site.one:"));
    assertThat(await(c.get(ns + "site.one:a"))).isNull();
    assertThat(await(c.get(ns + "site.one:b"))).isNull();
    assertThat(await(c.get(ns + "site.two:a")).toString()).isEqualTo("3");
  }

  @Test
  @DisplayName("Pattern characters in a prefix are taken literally: 'a*b:' does not drop 'axb:' keys")
  void prefixIsLiteral() throws Exception {
    QueryCache c = cache();
    await(c.put(ns + "axb:1", Buffer.buffer("keep"), Duration.ofMinutes(1)));
    await(c.put(ns + "a?b:1", Buffer.buffer("keep too"), Duration.ofMinutes(1)));
    await(c.put(ns + "a*b:1", Buffer.buffer("drop"), Duration.ofMinutes(1)));
    await(c.put(ns + "a[x]b\\:1", Buffer.buffer("keep three"), Duration.ofMinutes(1)));
    await(c.invalidatePrefix(ns + "a*b:"));
    await(c.invalidatePrefix(ns + "a[x]b:"));
    assertThat(await(c.get(ns + "a*b:1"))).isNull();
    assertThat(await(c.get(ns + "axb:1")).toString()).isEqualTo("keep");
    assertThat(await(c.get(ns + "a?b:1")).toString()).isEqualTo("keep too");
    assertThat(await(c.get(ns + "a[x]b\\:1")).toString()).isEqualTo("keep three");
  }

  @Test
  @DisplayName("Invalidation reaches many keys (more than one scan batch)")
  void invalidatesMany() throws Exception {
    QueryCache c = cache();
    for (int chunk = 0; chunk < 2500; chunk += 250) {
      List<Future<Void>> puts = new ArrayList<>();
      for (int i = chunk; i < chunk + 250; i++) {
        puts.add(c.put(ns + "many:" + i, Buffer.buffer("x"), Duration.ofMinutes(1)));
      }
      await(Future.all(puts));
    }
    await(c.invalidatePrefix(ns + "many:"));
    for (int i = 0; i < 2500; i += 97) {
      assertThat(await(c.get(ns + "many:" + i))).isNull();
    }
  }

  /** Polls until the key reads as absent (expiry may be lazy), for at most ten seconds. */
  private boolean awaitAbsent(QueryCache c, String key) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (await(c.get(key)) == null) {
        return true;
      }
      Promise<Void> tick = Promise.promise();
      vertx.setTimer(50, id -> tick.complete());
      await(tick.future());
    }
    return false;
  }
}
