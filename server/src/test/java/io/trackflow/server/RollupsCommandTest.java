package io.trackflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trackflow.adapters.store.duckdb.DuckDbEventStore;
import io.trackflow.core.config.ConfigLoader;
import io.trackflow.core.config.TrackflowConfig;
import io.trackflow.core.event.Event;
import io.trackflow.core.event.SessionTotals;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("'rollups rebuild' rebuilds the rollups of the configured store's settled days, and refuses bad arguments")
class RollupsCommandTest {

  private Vertx vertx;
  private Path dir;
  private TrackflowConfig config;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    dir = Files.createTempDirectory("trackflow-rollups-command");
    config = ConfigLoader.load(Map.of("TRACKFLOW_DATA_DIR", dir.toString()));
    DuckDbEventStore store = new DuckDbEventStore(vertx, dir.resolve("events.duckdb"), new SimpleMeterRegistry());
    store.migrate().await(60, TimeUnit.SECONDS);
    List<Event> events = new ArrayList<>();
    for (int day = 0; day < 3; day++) {
      long t = Instant.parse("2025-03-10T12:00:00Z").toEpochMilli() + day * 86_400_000L;
      events.add(Event.builder().eventId(day + 1).site("a.example").timestampMillis(t).name(Event.PAGEVIEW)
          .pathname("/").visitorId(day).sessionId(day).session(new SessionTotals(t, t, 1, 1, 0, "/", "/")).build());
    }
    store.insert(events).await(60, TimeUnit.SECONDS);
    store.close().await(60, TimeUnit.SECONDS);
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(60, TimeUnit.SECONDS);
  }

  private String run(int expectedCode, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = RollupsCommand.run(args, config, vertx, new SimpleMeterRegistry(), new PrintStream(out, true,
        StandardCharsets.UTF_8));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as(printed).isEqualTo(expectedCode);
    return printed;
  }

  @Test
  @DisplayName("Without dates every day with events is built; with dates only those")
  void rebuildsDays() {
    assertThat(run(0, "rollups", "rebuild")).contains("Rebuilt the rollups of 3 day(s)");
    assertThat(run(0, "rollups", "rebuild", "2025-03-11", "2025-03-20")).contains("Rebuilt the rollups of 2 day(s)");
  }

  @Test
  @DisplayName("Unknown words, bad dates or a reversed range print the usage and exit with 2")
  void refusesBadArguments() {
    assertThat(run(2, "rollups", "rebuilt")).contains(RollupsCommand.USAGE);
    assertThat(run(2, "rollups", "rebuild", "2025-03-11")).contains(RollupsCommand.USAGE);
    assertThat(run(2, "rollups", "rebuild", "yesterday", "today")).contains(RollupsCommand.USAGE);
    assertThat(run(2, "rollups", "rebuild", "2025-03-20", "2025-03-11")).contains("TO is before FROM");
  }
}
