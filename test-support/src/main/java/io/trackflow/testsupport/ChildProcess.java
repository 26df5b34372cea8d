package io.trackflow.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A program a test runs as a separate OS process (the built jar, nginx, Prometheus): its output
 * goes to a log file, and it dies with the test JVM even when that JVM is killed, so a broken run
 * leaves nothing listening behind.
 */
public final class ChildProcess implements AutoCloseable {

  private final String name;
  private final Process process;
  private final Path logFile;

  private ChildProcess(String name, Process process, Path logFile) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
  }

  /**
   * Starts {@code builder}'s command (with its directory and environment) as the current user, or
   * as {@code runAsUser} when not null; stdout and stderr are appended to {@code logFile}.
   */
  public static ChildProcess start(String name, ProcessBuilder builder, Path logFile, String runAsUser) {
    builder.command(Host.wrap(builder.command(), runAsUser, true))
        .redirectErrorStream(true)
        .redirectOutput(Redirect.appendTo(logFile.toFile()));
    try {
      return new ChildProcess(name, spawn(builder), logFile);
    } catch (CompletionException e) {
      throw new ServiceStartException(name + ": cannot run " + builder.command() + ": "
          + e.getCause().getMessage(), e.getCause());
    }
  }

  /**
   * Starts the process from a dedicated thread that lives exactly as long as the child: the
   * parent-death signal set by setpriv fires when the starting thread ends, so it must not be a
   * test or event-loop thread that may finish first. Throws {@link CompletionException} with the
   * cause when the command cannot be run.
   */
  static Process spawn(ProcessBuilder builder) {
    CompletableFuture<Process> started = new CompletableFuture<>();
    Thread.ofPlatform().daemon().name("trackflow-child-" + Path.of(builder.command().getFirst()).getFileName())
        .start(() -> {
          Process child;
          try {
            child = builder.start();
          } catch (IOException | RuntimeException e) {
            started.completeExceptionally(e);
            return;
          }
          started.complete(child);
          while (child.isAlive()) {
            try {
              child.waitFor();
            } catch (InterruptedException ignored) {
              // Only the child's exit may end this thread.
            }
          }
        });
    return started.join();
  }

  /** The executable among {@code candidates}, or a failure naming the Debian package to install. */
  public static Path requireExecutable(String what, List<String> candidates, String debianPackage) {
    return Host.requireExecutable(what, candidates, debianPackage);
  }

  /** True when the test JVM runs as root (services that refuse root then run as another user). */
  public static boolean runningAsRoot() {
    return Host.isRoot();
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The exit code; only meaningful once {@link #isAlive()} is false. */
  public int exitValue() {
    return process.exitValue();
  }

  public Path logFile() {
    return logFile;
  }

  /** SIGKILL, like a crash or an OOM kill, and waits until the process is gone. */
  public void kill() {
    process.destroyForcibly();
    waitFor(Duration.ofSeconds(30));
  }

  /** SIGTERM, then SIGKILL if it has not exited within {@code grace}; true when it exited by itself. */
  public boolean terminate(Duration grace) {
    process.destroy();
    if (waitFor(grace)) {
      return true;
    }
    kill();
    return false;
  }

  /** Waits up to {@code timeout} for the process to exit; true when it has. */
  public boolean waitFor(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  /** The last {@code lines} lines of the process's output, for failure messages. */
  public String logTail(int lines) {
    return tailOf(logFile, lines);
  }

  static String tailOf(Path file, int lines) {
    Deque<String> tail = new ArrayDeque<>(lines);
    try (Stream<String> all = Files.lines(file, StandardCharsets.ISO_8859_1)) {
      all.forEach(line -> {
        if (tail.size() == lines) {
          tail.removeFirst();
        }
        tail.addLast(line);
      });
    } catch (IOException | UncheckedIOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
    return String.join("\n", tail);
  }

  /** The whole output so far. */
  public String log() {
    try {
      return Files.readString(logFile, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Kills the process if it is still running. */
  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }

  @Override
  public String toString() {
    return name + "[pid " + process.pid() + ", log " + logFile + "]";
  }
}
