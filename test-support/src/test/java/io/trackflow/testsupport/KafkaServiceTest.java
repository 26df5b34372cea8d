package io.trackflow.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaServiceTest {

  @Test
  @DisplayName("The broker classpath generated at build time is on the test classpath and every jar in it exists")
  void generatedClasspathResolves() {
    String classpath = KafkaService.brokerClasspath(
        KafkaService.class.getClassLoader().getResource(KafkaService.CLASSPATH_RESOURCE));

    assertThat(classpath).contains("kafka_2.13-").contains("kafka-clients-").contains("log4j-core-");
  }

  @Test
  @DisplayName("A classpath listing a jar that has gone from the local repository fails with a message saying how to rebuild")
  void missingJarIsExplained(@TempDir Path dir) throws Exception {
    Path listing = Files.writeString(dir.resolve("cp.txt"), dir.resolve("gone.jar").toString());

    assertThatThrownBy(() -> KafkaService.brokerClasspath(listing.toUri().toURL()))
        .isInstanceOf(ServiceStartException.class)
        .hasMessageContaining("gone.jar")
        .hasMessageContaining("test-support");
  }

  @Test
  @DisplayName("The broker configuration is a combined KRaft node on loopback with single-replica internal topics")
  void serverProperties() {
    String properties = KafkaService.serverProperties(Path.of("/tmp/k"), 1111, 2222);

    assertThat(properties)
        .contains("process.roles=broker,controller")
        .contains("controller.quorum.voters=1@127.0.0.1:2222")
        .contains("listeners=PLAINTEXT://127.0.0.1:1111,CONTROLLER://127.0.0.1:2222")
        .contains("log.dirs=/tmp/k/data")
        .contains("offsets.topic.replication.factor=1");
  }

  @Test
  @DisplayName("Generated cluster ids never start with a dash, which kafka-storage would take for an option")
  void clusterIdsNeverLookLikeOptions() {
    for (int i = 0; i < 5_000; i++) {
      String id = KafkaService.newClusterId();
      assertThat(id).doesNotStartWith("-").hasSize(22);
    }
  }
}
