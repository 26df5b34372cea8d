package io.trackflow.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostTest {

  @Test
  @DisplayName("An executable is found by bare name on the search path, after absolute candidates that do not exist")
  void findsOnSearchPath(@TempDir Path dir) throws Exception {
    Path tool = Files.createFile(dir.resolve("tool"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));

    assertThat(Host.findExecutable(List.of("/nonexistent/tool", "tool"), "/nonexistent:" + dir)).contains(tool);
  }

  @Test
  @DisplayName("A file that is not executable does not count as the binary")
  void ignoresNonExecutable(@TempDir Path dir) throws Exception {
    Files.createFile(dir.resolve("tool"));

    assertThat(Host.findExecutable(List.of("tool"), dir.toString())).isEmpty();
  }

  @Test
  @DisplayName("A missing binary fails with a message naming what was looked for and the Debian package to install")
  void missingBinaryNamesPackage() {
    assertThatThrownBy(() -> Host.requireExecutable("redis-server",
            List.of("/nonexistent/redis-server", "no-such-redis-server"), "redis-server"))
        .isInstanceOf(MissingServiceBinaryException.class)
        .hasMessageContaining("/nonexistent/redis-server")
        .hasMessageContaining("no-such-redis-server on PATH")
        .hasMessageContaining("apt-get install -y redis-server");
  }

  @Test
  @DisplayName("The newest PostgreSQL version directory wins, compared as numbers")
  void newestPostgres(@TempDir Path root) throws Exception {
    for (String version : List.of("9.6", "15", "13")) {
      Path bin = Files.createDirectories(root.resolve(version).resolve("bin"));
      Files.createFile(bin.resolve("postgres"),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    }

    assertThat(Host.newestPostgresBin(root)).contains(root.resolve("15/bin"));
  }

  @Test
  @DisplayName("A command runs as another user and dies with its parent through setpriv")
  void wrapsWithSetpriv() {
    List<String> wrapped = Host.wrap(List.of("postgres", "-D", "x"), "postgres", true);

    assertThat(wrapped).endsWith("--", "postgres", "-D", "x");
    assertThat(wrapped).contains("--reuid=postgres", "--pdeathsig", "KILL");
  }
}
