package io.trackflow.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RealServiceTest {

  @Test
  @DisplayName("Directories of killed test JVMs are swept, those of live ones and unrelated ones are kept")
  void sweepsOnlyOrphans(@TempDir Path tmp) throws Exception {
    Path orphan = Files.createDirectories(tmp.resolve("trackflow-service-redis-1"));
    Files.writeString(orphan.resolve("owner"), "2147483646 0");
    Files.writeString(orphan.resolve("redis.log"), "left behind");
    Path live = Files.createDirectories(tmp.resolve("trackflow-service-redis-2"));
    Files.writeString(live.resolve("owner"), RealService.ownerStamp(ProcessHandle.current()));
    Path unrelated = Files.createDirectories(tmp.resolve("trackflow-other-3"));
    Files.writeString(unrelated.resolve("owner"), "2147483646 0");

    RealService.sweepStaleDirectories(tmp);

    assertThat(orphan).doesNotExist();
    assertThat(live).isDirectory();
    assertThat(unrelated).isDirectory();
  }

  @Test
  @DisplayName("A reused pid does not make a dead JVM's directory look owned")
  void pidReuseIsDetected(@TempDir Path tmp) throws Exception {
    Path orphan = Files.createDirectories(tmp.resolve("trackflow-service-kafka-1"));
    Files.writeString(orphan.resolve("owner"), ProcessHandle.current().pid() + " 1");

    RealService.sweepStaleDirectories(tmp);

    assertThat(orphan).doesNotExist();
  }
}
