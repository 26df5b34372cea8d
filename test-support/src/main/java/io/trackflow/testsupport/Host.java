package io.trackflow.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What the test machine offers: executables, the current user, short-lived commands. */
final class Host {

  private Host() {}

  /** The result of a command that ran to completion. */
  record Result(int exitCode, String output) {
    boolean ok() {
      return exitCode == 0;
    }
  }

  /**
   * Finds the first executable among {@code candidates}: absolute paths are checked as they are,
   * bare names are searched on {@code PATH}.
   */
  static Optional<Path> findExecutable(List<String> candidates) {
    return findExecutable(candidates, System.getenv().getOrDefault("PATH", ""));
  }

  static Optional<Path> findExecutable(List<String> candidates, String searchPath) {
    for (String candidate : candidates) {
      if (candidate.startsWith("/")) {
        Path path = Path.of(candidate);
        if (Files.isRegularFile(path) && Files.isExecutable(path)) {
          return Optional.of(path);
        }
        continue;
      }
      for (String dir : searchPath.split(File.pathSeparator)) {
        if (dir.isEmpty()) {
          continue;
        }
        Path path = Path.of(dir, candidate);
        if (Files.isRegularFile(path) && Files.isExecutable(path)) {
          return Optional.of(path);
        }
      }
    }
    return Optional.empty();
  }

  /** Like {@link #findExecutable(List)} but fails with a message naming the Debian package. */
  static Path requireExecutable(String what, List<String> candidates, String debianPackage) {
    return findExecutable(candidates)
        .orElseThrow(() -> new MissingServiceBinaryException(what, describe(candidates), debianPackage));
  }

  static List<String> describe(List<String> candidates) {
    return candidates.stream().map(c -> c.startsWith("/") ? c : c + " on PATH").toList();
  }

  /** The bin directory of the newest PostgreSQL under {@code root}, e.g. /usr/lib/postgresql/15/bin. */
  static Optional<Path> newestPostgresBin(Path root) {
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions
          .filter(dir -> dir.getFileName().toString().matches("\\d+(\\.\\d+)?"))
          .filter(dir -> Files.isExecutable(dir.resolve("bin/postgres")))
          .max(Comparator.comparingDouble(dir -> Double.parseDouble(dir.getFileName().toString())))
          .map(dir -> dir.resolve("bin"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** True when this JVM runs as root, which PostgreSQL refuses to run as. */
  static boolean isRoot() {
    try {
      // /proc/self is owned by the effective user of the process reading it.
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  /** True when a local account of that name exists. */
  static boolean userExists(String user) {
    return run(List.of("id", "-u", user), null, Map.of(), Duration.ofSeconds(10)).ok();
  }

  /** Runs a command to completion and returns its exit code and combined output. */
  static Result run(List<String> command, Path workDir, Map<String, String> env, Duration timeout) {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (workDir != null) {
      builder.directory(workDir.toFile());
    }
    builder.environment().putAll(env);
    HostTool.Output output = complete(builder, timeout);
    return new Result(output.exitCode(), output.stdout());
  }

  /**
   * Starts {@code builder}'s command and waits for it: exit code -1 and a note in stdout when it
   * was killed after {@code timeout}. stderr stays empty when the builder merges it into stdout.
   */
  static HostTool.Output complete(ProcessBuilder builder, Duration timeout) {
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + builder.command(), e);
    }
    try {
      // Output is read on virtual threads so a chatty command cannot block on a full pipe.
      var stdout = new StringBuilder();
      var stderr = new StringBuilder();
      Thread outReader = Thread.ofVirtual().start(() -> drain(process.getInputStream(), stdout));
      Thread errReader = Thread.ofVirtual().start(() -> drain(process.getErrorStream(), stderr));
      boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!finished) {
        process.destroyForcibly().waitFor();
      }
      outReader.join();
      errReader.join();
      return finished
          ? new HostTool.Output(process.exitValue(), stdout.toString(), stderr.toString())
          : new HostTool.Output(-1, stdout + "\n(killed after " + timeout.toSeconds() + " s)", stderr.toString());
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + builder.command(), e);
    }
  }

  private static void drain(java.io.InputStream stream, StringBuilder into) {
    try {
      into.append(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException ignored) {
      // The process was destroyed; what was read so far is kept.
    }
  }

  /** Prefixes a command so it runs as {@code user} (or as is when null) and dies with this JVM. */
  static List<String> wrap(List<String> command, String user, boolean dieWithParent) {
    Optional<Path> setpriv = findExecutable(List.of("/usr/bin/setpriv", "setpriv"));
    if (setpriv.isEmpty()) {
      if (user != null) {
        throw new MissingServiceBinaryException(
            "setpriv (to run a service as user '" + user + "')", describe(List.of("setpriv")), "util-linux");
      }
      return command;
    }
    if (user == null && !dieWithParent) {
      return command;
    }
    List<String> wrapped = new ArrayList<>();
    wrapped.add(setpriv.get().toString());
    if (user != null) {
      wrapped.addAll(List.of("--reuid=" + user, "--regid=" + user, "--init-groups"));
    }
    if (dieWithParent) {
      // The kernel kills the child when the thread that started it ends, even on kill -9 of the JVM.
      wrapped.addAll(List.of("--pdeathsig", "KILL"));
    }
    wrapped.add("--");
    wrapped.addAll(command);
    return wrapped;
  }
}
