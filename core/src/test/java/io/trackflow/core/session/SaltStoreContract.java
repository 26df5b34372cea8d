package io.trackflow.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link SaltStore} adapter must have. Days are far apart per test class run
 * (a random year) so adapters over a shared server do not see each other's salts.
 */
public abstract class SaltStoreContract {

  protected Vertx vertx;
  private final List<SaltStore> created = new ArrayList<>();
  private LocalDate base;

  /** Builds a fresh adapter; two adapters built by one test must share their backing store. */
  protected abstract SaltStore create(Vertx vertx) throws Exception;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    base = LocalDate.of(3000 + new java.util.Random().nextInt(5000), 1, 1);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (SaltStore s : created) {
      await(s.close());
    }
    await(vertx.close());
  }

  protected SaltStore store() throws Exception {
    SaltStore s = create(vertx);
    created.add(s);
    return s;
  }

  protected static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("A day's salt is 16 random bytes and stays the same for every request that day")
  void stableWithinADay() throws Exception {
    SaltStore s = store();
    byte[] first = await(s.saltFor(base));
    assertThat(first).hasSize(SaltStore.SALT_BYTES);
    assertThat(first).isNotEqualTo(new byte[SaltStore.SALT_BYTES]);
    assertThat(await(s.saltFor(base))).isEqualTo(first);
  }

  @Test
  @DisplayName("Each day gets its own salt")
  void differsAcrossDays() throws Exception {
    SaltStore s = store();
    assertThat(await(s.saltFor(base))).isNotEqualTo(await(s.saltFor(base.plusDays(1))));
  }

  @Test
  @DisplayName("Concurrent first requests for a day all receive the one salt that was created")
  void concurrentCreationAgrees() throws Exception {
    SaltStore s = store();
    List<Future<byte[]>> calls = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      calls.add(s.saltFor(base.plusDays(7)));
    }
    await(Future.all(calls));
    for (Future<byte[]> f : calls) {
      assertThat(f.result()).isEqualTo(calls.get(0).result());
    }
  }

  @Test
  @DisplayName("Deleting before a day removes older salts for good (asking again yields a new one) and keeps that day's")
  void deleteBeforeRemovesOldSalts() throws Exception {
    SaltStore s = store();
    byte[] old = await(s.saltFor(base));
    byte[] yesterday = await(s.saltFor(base.plusDays(1)));
    byte[] today = await(s.saltFor(base.plusDays(2)));
    await(s.deleteBefore(base.plusDays(1)));
    assertThat(await(s.saltFor(base.plusDays(1)))).isEqualTo(yesterday);
    assertThat(await(s.saltFor(base.plusDays(2)))).isEqualTo(today);
    assertThat(await(s.saltFor(base))).isNotEqualTo(old);
  }
}
