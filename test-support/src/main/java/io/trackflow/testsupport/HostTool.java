package io.trackflow.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A command-line tool a test runs against shipped files (docker-compose, nginx -t, promtool, …):
 * found on this machine, or a failure naming the Debian package that provides it.
 */
public final class HostTool {

  /** How a run ended: exit code (-1 when killed after the timeout), stdout and stderr. */
  public record Output(int exitCode, String stdout, String stderr) {
    public boolean ok() {
      return exitCode == 0;
    }
  }

  private final Path executable;

  private HostTool(Path executable) {
    this.executable = executable;
  }

  /**
   * The first of {@code candidates} that exists (absolute paths as they are, bare names on
   * {@code PATH}); otherwise a {@link MissingServiceBinaryException} naming {@code debianPackage}.
   */
  public static HostTool require(String what, String debianPackage, String... candidates) {
    return new HostTool(Host.requireExecutable(what, List.of(candidates), debianPackage));
  }

  public Path path() {
    return executable;
  }

  /**
   * Runs the tool with {@code args} in {@code workDir} to completion. {@code environment} is the
   * whole environment: nothing is inherited from the test JVM, so a variable set on the machine
   * cannot change what the tool sees.
   */
  public Output run(Path workDir, Map<String, String> environment, Duration timeout, String... args) {
    List<String> command = new ArrayList<>();
    command.add(executable.toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    builder.environment().clear();
    builder.environment().putAll(environment);
    return Host.complete(builder, timeout);
  }
}
