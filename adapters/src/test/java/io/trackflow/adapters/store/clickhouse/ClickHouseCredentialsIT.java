package io.trackflow.adapters.store.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.core.config.ConfigLoader;
import io.trackflow.core.event.Event;
import io.trackflow.core.testdata.EventGenerator;
import io.trackflow.testsupport.ClickHouseService;
import io.trackflow.testsupport.RealServices;
import io.trackflow.testsupport.TestNames;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The store signs in as the configured user, as a deployment with a password-protected ClickHouse
 * needs (current images refuse a password-less {@code default} over the network).
 */
@ExtendWith(RealServices.class)
class ClickHouseCredentialsIT {

  private final ClickHouseService clickHouse;
  private Vertx vertx;

  ClickHouseCredentialsIT(ClickHouseService clickHouse) {
    this.clickHouse = clickHouse;
  }

  @BeforeEach
  void open() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void close() throws Exception {
    await(vertx.close());
  }

  @Test
  @DisplayName("With TRACKFLOW_CLICKHOUSE_USER and _PASSWORD set, the store migrates, inserts and reads as that user")
  void signsInWithConfiguredCredentials() throws Exception {
    String database = TestNames.unique("credentials");
    ClickHouseOptions options = ClickHouseOptions.from(ConfigLoader.load(Map.of(
        "TRACKFLOW_ROLES", "writer",
        "TRACKFLOW_KAFKA_BOOTSTRAP", "unused:9092",
        "TRACKFLOW_CLICKHOUSE_URL", clickHouse.httpUrl(),
        "TRACKFLOW_CLICKHOUSE_DATABASE", database,
        "TRACKFLOW_CLICKHOUSE_USER", clickHouse.passwordUser(),
        "TRACKFLOW_CLICKHOUSE_PASSWORD", clickHouse.password())));
    List<Event> events = new EventGenerator(11).generate(50);

    ClickHouseEventStore store = new ClickHouseEventStore(vertx, options, new SimpleMeterRegistry());
    try {
      await(store.migrate());
      await(store.insert(events));
    } finally {
      await(store.close());
    }

    assertThat(clickHouse.query("SELECT count() FROM " + database + ".events FINAL").strip())
        .isEqualTo(Integer.toString(EventGenerator.distinct(events).size()));
  }

  // Also what shows the credentials are sent at all: without them the server would take the
  // request as its password-less default user and succeed.
  @Test
  @DisplayName("A wrong or missing password fails start-up with ClickHouse's authentication error, naming the user")
  void wrongPasswordIsRefused() throws Exception {
    for (String password : List.of("not-" + clickHouse.password(), "")) {
      ClickHouseOptions options = new ClickHouseOptions(java.net.URI.create(clickHouse.httpUrl()),
          TestNames.unique("refused"), clickHouse.passwordUser(), password, null, null);
      ClickHouseEventStore store = new ClickHouseEventStore(vertx, options, new SimpleMeterRegistry());
      try {
        assertThatThrownBy(() -> await(store.migrate()))
            .isInstanceOf(ClickHouseException.class)
            .hasMessageContaining(clickHouse.passwordUser())
            .satisfies(e -> assertThat(e.getMessage()).containsIgnoringCase("password"));
      } finally {
        await(store.close());
      }
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }
}
