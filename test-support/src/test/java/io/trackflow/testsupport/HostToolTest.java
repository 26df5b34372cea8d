package io.trackflow.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostToolTest {

  @Test
  @DisplayName("A missing tool fails with the Debian package to install, so a test cannot pass without it")
  void missingToolNamesPackage() {
    assertThatThrownBy(() -> HostTool.require("docker-compose", "docker-compose", "/nonexistent/docker-compose"))
        .isInstanceOf(MissingServiceBinaryException.class)
        .hasMessageContaining("apt-get install -y docker-compose");
  }

  @Test
  @DisplayName("A tool sees exactly the environment it is given, and its stdout and stderr come back apart")
  void exactEnvironmentAndSeparateStreams(@TempDir Path dir) {
    HostTool sh = HostTool.require("sh", "dash", "/bin/sh");

    HostTool.Output output = sh.run(dir, Map.of("ONLY", "this"), Duration.ofSeconds(10),
        "-c", "env | grep -v '^PWD=' | sort; echo oops >&2; exit 3");

    assertThat(output.exitCode()).isEqualTo(3);
    assertThat(output.stdout()).isEqualTo("ONLY=this\n");
    assertThat(output.stderr()).isEqualTo("oops\n");
  }
}
