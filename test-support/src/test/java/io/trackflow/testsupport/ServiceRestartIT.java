package io.trackflow.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ServiceRestartIT {

  @Test
  @DisplayName("A stopped ClickHouse refuses connections and comes back on the same port with its data")
  void clickHouseStopAndStart() {
    try (ClickHouseService clickHouse = ClickHouseService.launch()) {
      String table = clickHouse.newDatabase() + ".t";
      clickHouse.query("CREATE TABLE " + table + " (v UInt32) ENGINE = MergeTree ORDER BY v");
      clickHouse.query("INSERT INTO " + table + " VALUES (7)");
      String url = clickHouse.httpUrl();

      clickHouse.stop();

      assertThat(clickHouse.isRunning()).isFalse();
      assertThatThrownBy(() -> clickHouse.query("SELECT 1")).isInstanceOf(UncheckedIOException.class);

      clickHouse.start();

      assertThat(clickHouse.httpUrl()).isEqualTo(url);
      assertThat(clickHouse.query("SELECT sum(v) FROM " + table)).isEqualTo("7\n");
    }
  }

  @Test
  @DisplayName("A killed ClickHouse (like a crash) restarts on the same port with the data it had")
  void clickHouseKillAndStart() {
    try (ClickHouseService clickHouse = ClickHouseService.launch()) {
      String table = clickHouse.newDatabase() + ".t";
      clickHouse.query("CREATE TABLE " + table + " (v UInt32) ENGINE = MergeTree ORDER BY v");
      clickHouse.query("INSERT INTO " + table + " VALUES (1), (2)");

      clickHouse.kill();
      clickHouse.start();

      assertThat(clickHouse.query("SELECT count() FROM " + table)).isEqualTo("2\n");
    }
  }

  @Test
  @DisplayName("Closing a service stops its process and deletes its directory")
  void closeDeletesDirectory() {
    RedisService redis = RedisService.launch();
    assertThat(redis.directory()).isDirectory();

    redis.close();

    assertThat(redis.isRunning()).isFalse();
    assertThat(redis.directory()).doesNotExist();
  }
}
