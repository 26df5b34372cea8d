package io.trackflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs Debian's {@code promtool} (package {@code prometheus}) the way an operator would. */
final class Promtool {

  static final Path BINARY = Path.of("/usr/bin/promtool");

  private Promtool() {}

  /** What promtool printed (stdout and stderr together) and its exit code. */
  record Result(int exitCode, String output) {}

  /** Runs {@code promtool args...} and asserts it succeeded; returns what it printed. */
  static String check(String... args) {
    Result result = run(args);
    assertThat(result.exitCode()).as("promtool %s exited with %d:%n%s", String.join(" ", args),
        result.exitCode(), result.output()).isZero();
    return result.output();
  }

  static Result run(String... args) {
    assertThat(Files.isExecutable(BINARY))
        .as("%s is missing: install Debian's package 'prometheus' (apt-get install prometheus), which ships promtool", BINARY)
        .isTrue();
    List<String> command = new ArrayList<>(List.of(BINARY.toString()));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      // Only bounds a hung process; promtool answers in well under a second here.
      assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("promtool %s finished", String.join(" ", args)).isTrue();
      return new Result(process.exitValue(), output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
