package io.trackflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.testsupport.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A static check of the shaded jar, beside the jar processes that run it: every class TrackFlow's
 * own code refers to must be inside {@code trackflow.jar}. A dependency declared with test scope in
 * {@code server/pom.xml} overrides the compile scope a module brings (Maven's nearest wins), the
 * shade plugin then leaves the library out, and every test on a module classpath still passes;
 * this catches it for code paths no process test happens to run. Libraries' own references to
 * their optional dependencies (servlet, gRPC, … in logback and Micrometer) are not TrackFlow's and
 * are left to those libraries.
 */
class ShadedJarIT {

  @Test
  @DisplayName("Every class that TrackFlow's own code refers to is inside trackflow.jar (jdeps finds none missing)")
  void noTrackflowClassRefersToAMissingClass(@TempDir Path directory) {
    Path jdeps = Path.of(System.getProperty("java.home"), "bin", "jdeps");
    assertThat(jdeps).as("jdeps of the JDK running the tests (a JDK, not a JRE, is needed)").isExecutable();
    assertThat(JarProcess.JAR).as("the shaded jar").isRegularFile();
    ProcessBuilder command = new ProcessBuilder(jdeps.toString(), "--multi-release", "21", "--missing-deps",
        JarProcess.JAR.toAbsolutePath().toString());
    try (ChildProcess run = ChildProcess.start("jdeps", command, directory.resolve("jdeps.log"), null)) {
      assertThat(run.waitFor(Duration.ofMinutes(3))).as("jdeps finished").isTrue();
      List<String> lines = run.log().lines().toList();
      List<String> ours = lines.stream().filter(l -> l.strip().startsWith("io.trackflow.")).toList();
      assertThat(lines).as("jdeps output in %s", run.logFile()).isNotEmpty();
      assertThat(ours).as("references from TrackFlow's classes to classes missing from the jar").isEmpty();
    }
  }
}
