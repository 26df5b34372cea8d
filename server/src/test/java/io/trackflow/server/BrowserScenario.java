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
 * A Playwright scenario of the tracker or the dashboard ({@code e2e/*.e2e.mjs} in that npm project)
 * run with the machine's Node in Debian's headless Chromium against a running TrackFlow. The
 * scenario asserts what the browser shows; a run passes when it exits 0.
 */
final class BrowserScenario {

  private final String project;
  private final Path directory;
  private final Path script;
  private final Path chromium;

  /**
   * The scenario {@code script} of the npm project {@code project} ({@code tracker},
   * {@code dashboard}); fails, saying what to install, without Chromium or playwright-core.
   */
  BrowserScenario(String project, String script) {
    this.project = project;
    this.directory = Path.of("..", project).toAbsolutePath().normalize();
    this.script = directory.resolve(script);
    this.chromium = Path.of(System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium"));
    assertThat(Files.isExecutable(chromium))
        .as("the %s's browser test needs Chromium at %s: install the Debian package 'chromium' "
            + "(apt-get install chromium), as .ci/run does", project, chromium)
        .isTrue();
    assertThat(this.script).as("the %s's browser scenario", project).exists();
    assertThat(directory.resolve("node_modules/playwright-core"))
        .as("playwright-core in the %s's node_modules: the %s module's Maven build runs "
            + "'npm ci' (build with -am), or run 'npm ci' in %s", project, project, directory)
        .isDirectory();
  }

  /**
   * Runs the scenario with these environment variables (and {@code CHROMIUM_PATH}), its output
   * going to {@code log}; fails unless it exits 0 within {@code limit}. Returns the output.
   */
  String run(Map<String, String> env, Path log, Duration limit) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder("node", script.toString())
        .directory(directory.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().putAll(env);
    builder.environment().put("CHROMIUM_PATH", chromium.toString());
    Process node;
    try {
      node = builder.start();
    } catch (IOException e) {
      throw new AssertionError("the browser test runs the " + project + "'s scenario with Node (>= 20): "
          + "install the Debian package 'nodejs'", e);
    }
    if (!node.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
      node.destroyForcibly();
      fail("the browser scenario did not finish:\n" + Files.readString(log));
    }
    String output = Files.readString(log);
    assertThat(node.exitValue()).as("browser scenario exit code; its output:\n%s", output).isZero();
    System.out.print(output);
    return output;
  }
}
