package io.trackflow.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real service running as a child process on free loopback ports in its own temporary
 * directory. {@link #stop()}/{@link #kill()} followed by {@link #start()} brings it back on the
 * same ports with the same data; {@link #close()} stops it and deletes the directory.
 */
public abstract sealed class RealService implements AutoCloseable
    permits ClickHouseService, KafkaService, PostgresService, RedisService {

  /** Set to {@code true} to keep service directories (data and logs) after the run. */
  public static final String KEEP_DIRECTORIES_PROPERTY = "trackflow.test.keepServiceDirs";

  private static final Logger LOG = LoggerFactory.getLogger(RealService.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration PROBE_INTERVAL = Duration.ofMillis(50);
  private static final int LOG_TAIL_LINES = 40;
  private static final int START_ATTEMPTS = 3;
  private static final String DIRECTORY_PREFIX = "trackflow-service-";
  private static final String OWNER_FILE = "owner";

  private final String name;
  private final Path directory;
  private final Path logFile;
  private final Thread shutdownHook;

  // Written under the monitor; volatile so the shutdown hook can read it without the lock.
  private volatile Process process;
  private boolean initialized;
  private boolean everStarted;
  private boolean closed;

  RealService(String name) {
    this.name = name;
    try {
      this.directory = Files.createTempDirectory(DIRECTORY_PREFIX + name.toLowerCase() + "-");
      Files.writeString(directory.resolve(OWNER_FILE), ownerStamp(ProcessHandle.current()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory for " + name, e);
    }
    sweepStaleDirectories(directory.getParent());
    this.logFile = directory.resolve(name.toLowerCase() + ".log");
    this.shutdownHook = Thread.ofPlatform().name("trackflow-" + name.toLowerCase() + "-shutdown")
        .unstarted(this::destroyOnJvmExit);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Human-readable service name, e.g. "ClickHouse". */
  public final String name() {
    return name;
  }

  /** The temporary directory holding this service's configuration, data and log. */
  public final Path directory() {
    return directory;
  }

  /** The file the service's stdout and stderr go to, across restarts. */
  public final Path logFile() {
    return logFile;
  }

  /** True while the service process is alive. */
  public final boolean isRunning() {
    Process current = process;
    return current != null && current.isAlive();
  }

  /**
   * Starts the service (again) and returns once it answers its readiness probe; a no-op when it
   * is already running. After a stop or kill it comes back on the same ports and data directory.
   */
  public final synchronized void start() {
    if (closed) {
      throw new IllegalStateException(name + " has been closed");
    }
    if (isRunning()) {
      return;
    }
    for (int attempt = 1; ; attempt++) {
      try {
        startOnce();
        everStarted = true;
        return;
      } catch (ServiceStartException e) {
        // A port picked as free can be taken before the service binds it; only a first start may
        // move to other ports, a restart must keep the ones clients already know.
        if (everStarted || attempt >= START_ATTEMPTS || !logTail(LOG_TAIL_LINES).contains("already in use")) {
          throw e;
        }
        LOG.warn("{} lost a port race, retrying on other ports", name);
        choosePorts();
      }
    }
  }

  /** Stops the service gracefully (waiting for it to exit); {@link #start()} brings it back. */
  public final synchronized void stop() {
    Process current = process;
    if (current == null) {
      return;
    }
    beforeStop();
    if (current.isAlive()) {
      requestStop(current);
      if (!waitForExit(current, STOP_TIMEOUT)) {
        LOG.warn("{} did not stop within {} s, killing it", name, STOP_TIMEOUT.toSeconds());
        current.destroyForcibly();
        waitForExit(current, STOP_TIMEOUT);
      }
    }
    process = null;
    LOG.info("{} stopped", name);
  }

  /** Kills the service at once (SIGKILL), like a crash; {@link #start()} brings it back. */
  public final synchronized void kill() {
    Process current = process;
    if (current == null) {
      return;
    }
    beforeStop();
    current.destroyForcibly();
    waitForExit(current, STOP_TIMEOUT);
    process = null;
    LOG.info("{} killed", name);
  }

  /** Stops the service and deletes its directory (unless {@value #KEEP_DIRECTORIES_PROPERTY}). */
  @Override
  public final synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (gracefulClose()) {
        stop();
      } else {
        kill();
      }
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException alreadyShuttingDown) {
        // The hook is running or about to; it finds nothing left to do.
      }
      deleteDirectory();
    }
  }

  /** The last {@code lines} lines of the service log, for failure messages. */
  public final String logTail(int lines) {
    if (!Files.exists(logFile)) {
      return "(no log written)";
    }
    return ChildProcess.tailOf(logFile, lines);
  }

  @Override
  public String toString() {
    return name + "[" + endpoint() + ", " + directory + "]";
  }

  // ---- what each service defines ------------------------------------------------------------

  /** Picks the loopback ports; called once before the first start and on a lost port race. */
  abstract void choosePorts();

  /** Writes configuration for the current ports; runs before every start. */
  abstract void configure() throws IOException;

  /** One-time set-up of the data directory (initdb, storage format); runs before the first start. */
  void initialize() {}

  /** The long-running command, without any user switch. */
  abstract List<String> command();

  /** The account to run as, or null for the current one. */
  String runAsUser() {
    return null;
  }

  /** Extra environment for the child process. */
  Map<String, String> environment() {
    return Map.of();
  }

  /** True once the service answers real requests. Exceptions count as "not yet". */
  abstract boolean probe() throws Exception;

  /** Where clients connect, for log lines and messages. */
  abstract String endpoint();

  /** Releases clients this object holds (admin clients) before the process goes away. */
  void beforeStop() {}

  /** Asks the process to shut down; SIGTERM unless the service prefers another signal. */
  void requestStop(Process current) {
    current.destroy();
  }

  /** Whether {@link #close()} stops gracefully; by default it kills, as the data is deleted anyway. */
  boolean gracefulClose() {
    return false;
  }

  // ---- shared machinery ---------------------------------------------------------------------

  /** Runs a one-shot set-up command, appending its output to the service log; fails with the tail. */
  final void runSetupCommand(String what, List<String> command, Duration timeout) {
    appendToLog("=== " + what + ": " + String.join(" ", command));
    Host.Result result = Host.run(Host.wrap(command, runAsUser(), false), directory, environment(), timeout);
    appendToLog(result.output());
    if (!result.ok()) {
      throw new ServiceStartException(name + ": " + what + " failed with exit code " + result.exitCode()
          + " (log " + logFile + "):\n" + tail(result.output(), LOG_TAIL_LINES));
    }
  }

  final void appendToLog(String text) {
    try {
      Files.writeString(logFile, text.endsWith("\n") ? text : text + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + logFile, e);
    }
  }

  private void startOnce() {
    long startedAt = System.nanoTime();
    try {
      configure();
    } catch (IOException e) {
      throw new ServiceStartException(name + ": cannot write configuration in " + directory, e);
    }
    if (!initialized) {
      initialize();
      initialized = true;
    }
    List<String> command = Host.wrap(command(), runAsUser(), true);
    appendToLog("=== starting " + name + " on " + endpoint() + ": " + String.join(" ", command));
    Process started = spawn(command);
    process = started;
    awaitReady(started);
    LOG.info("{} ready on {} in {} ms (directory {})", name, endpoint(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt), directory);
  }

  private Process spawn(List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(directory.toFile())
        .redirectErrorStream(true)
        .redirectOutput(Redirect.appendTo(logFile.toFile()));
    builder.environment().putAll(environment());
    try {
      return ChildProcess.spawn(builder);
    } catch (CompletionException e) {
      throw new ServiceStartException(name + ": cannot run " + command.getFirst() + ": "
          + e.getCause().getMessage(), e.getCause());
    }
  }

  private void awaitReady(Process started) {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    Exception lastProbeFailure = null;
    while (true) {
      if (!started.isAlive()) {
        process = null;
        throw startFailure("exited with code " + started.exitValue() + " before it was ready", lastProbeFailure);
      }
      try {
        if (probe()) {
          return;
        }
      } catch (Exception e) {
        lastProbeFailure = e;
      }
      if (Instant.now().isAfter(deadline)) {
        started.destroyForcibly();
        waitForExit(started, STOP_TIMEOUT);
        process = null;
        throw startFailure("was not ready within " + START_TIMEOUT.toSeconds() + " s", lastProbeFailure);
      }
      try {
        Thread.sleep(PROBE_INTERVAL);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        started.destroyForcibly();
        process = null;
        throw new ServiceStartException(name + ": interrupted while waiting for it to start", e);
      }
    }
  }

  private ServiceStartException startFailure(String what, Exception lastProbeFailure) {
    String probe = lastProbeFailure == null ? "" : " (last probe: " + lastProbeFailure + ")";
    return new ServiceStartException(name + " on " + endpoint() + " " + what + probe + ". Last "
        + LOG_TAIL_LINES + " lines of " + logFile + ":\n" + logTail(LOG_TAIL_LINES), lastProbeFailure);
  }

  private static boolean waitForExit(Process current, Duration timeout) {
    try {
      return current.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !current.isAlive();
    }
  }

  /** Last resort when the JVM exits without the test engine closing this service. */
  private void destroyOnJvmExit() {
    Process current = process;
    if (current != null && current.isAlive()) {
      current.destroyForcibly();
      waitForExit(current, Duration.ofSeconds(5));
    }
    deleteDirectory();
  }

  private void deleteDirectory() {
    if (Boolean.getBoolean(KEEP_DIRECTORIES_PROPERTY) || !Files.exists(directory)) {
      return;
    }
    deleteTree(directory);
  }

  private static void deleteTree(Path root) {
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          // A file removed by the service as it exited, or a socket that vanished: nothing to do.
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
          Files.deleteIfExists(dir);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}", root, e.toString());
    }
  }

  /**
   * Deletes directories left by test JVMs that were killed (kill -9 skips every hook; the
   * kernel already killed their services). A directory's owner file names the JVM's pid and
   * start time, so a reused pid is not mistaken for the owner.
   */
  static void sweepStaleDirectories(Path parent) {
    try (Stream<Path> entries = Files.list(parent)) {
      for (Path dir : entries.filter(p -> p.getFileName().toString().startsWith(DIRECTORY_PREFIX)).toList()) {
        Path owner = dir.resolve(OWNER_FILE);
        if (Files.isRegularFile(owner) && !ownerAlive(Files.readString(owner))) {
          deleteTree(dir);
        }
      }
    } catch (IOException | UncheckedIOException e) {
      LOG.debug("could not sweep stale service directories in {}: {}", parent, e.toString());
    }
  }

  static String ownerStamp(ProcessHandle process) {
    return process.pid() + " " + process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
  }

  private static boolean ownerAlive(String stamp) {
    String[] parts = stamp.strip().split(" ");
    try {
      return ProcessHandle.of(Long.parseLong(parts[0]))
          .filter(ProcessHandle::isAlive)
          .map(RealService::ownerStamp)
          .filter(current -> current.equals(stamp.strip()))
          .isPresent();
    } catch (NumberFormatException e) {
      return true;
    }
  }

  private static String tail(String text, int lines) {
    String[] all = text.split("\n");
    return String.join("\n", List.of(all).subList(Math.max(0, all.length - lines), all.length));
  }
}
