package io.trackflow.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a browser scenario (a Node script driving headless Chromium) with the machine's Node: its
 * own checks must pass, so a non-zero exit fails the test with the script's output.
 */
final class BrowserScenario {

  private BrowserScenario() {}

  /** Debian's Chromium, or the one CHROMIUM_PATH names; the test fails if it is not there. */
  static Path chromium() {
    Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium"));
    assertThat(Files.isExecutable(chromium))
        .as("the browser tests need Chromium at %s: install the Debian package 'chromium' "
            + "(apt-get install chromium), as .ci/run does", chromium)
        .isTrue();
    return chromium;
  }

  /** Runs {@code script} in {@code module} with {@code env}, logging to {@code log}; its output. */
  static String run(Path module, Path script, Map<String, String> env, Path log, Duration limit)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder("node", script.toString())
        .directory(module.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().putAll(env);
    Process node;
    try {
      node = builder.start();
    } catch (IOException e) {
      throw new AssertionError("the browser test runs its scenario with Node (>= 20): install the Debian "
          + "package 'nodejs'", e);
    }
    if (!node.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      node.destroyForcibly();
      fail("the browser scenario " + script.getFileName() + " did not finish:\n" + Files.readString(log));
    }
    String output = Files.readString(log);
    assertThat(node.exitValue()).as("%s exit code; its output:\n%s", script.getFileName(), output).isZero();
    System.out.print(output);
    return output;
  }
}
