package io.trackflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.config.Setting;
import io.trackflow.testsupport.ChildProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The built {@code server/target/trackflow.jar} running as its own OS process, configured only
 * through {@code TRACKFLOW_*} environment variables, as operators run it: what this proves is the
 * shaded jar, not a module classpath. The HTTP port is chosen by the process (port 0) and read from
 * its "ready" log line, so no port can be taken between choosing and binding it.
 */
final class JarProcess implements AutoCloseable {

  static final Path JAR = Path.of("target", "trackflow.jar");
  private static final Pattern READY = Pattern.compile("TrackFlow ready on http://\\S+:(\\d+) ");
  private static final int LOG_TAIL_LINES = 60;

  private final ChildProcess process;
  private int port = -1;

  private JarProcess(ChildProcess process) {
    this.process = process;
  }

  /**
   * Starts the jar with {@code settings} (plus loopback and port 0) in {@code directory}, which
   * holds its data directory and log; returns at once, {@link #awaitReady()} waits for it.
   */
  static JarProcess start(String name, Map<Setting, String> settings, Path directory, String maxHeap) {
    assertThat(JAR).as("the shaded jar (built by `mvn package` before integration tests run)").isRegularFile();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx" + maxHeap,
        // Several JVMs share two cores here: fewer GC and JIT threads, and no C2 warm-up.
        "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-jar", JAR.toAbsolutePath().toString()));
    ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("TRACKFLOW_"));
    env.put(Setting.HTTP_HOST.env(), "127.0.0.1");
    env.put(Setting.HTTP_PORT.env(), "0");
    env.put(Setting.DATA_DIR.env(), directory.resolve("data").toString());
    settings.forEach((setting, value) -> env.put(setting.env(), value));
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new JarProcess(ChildProcess.start(name, builder, directory.resolve(name + ".log"), null));
  }

  /** Waits until the process logged its port and answers {@code /health/ready} with 200. */
  JarProcess awaitReady() {
    Await.until(process.name() + " to be ready", Duration.ofSeconds(120), () -> {
      assertRunning();
      if (port < 0) {
        Matcher ready = READY.matcher(process.log());
        if (!ready.find()) {
          return false;
        }
        port = Integer.parseInt(ready.group(1));
      }
      return http().ready() == 200;
    }, Boolean::booleanValue);
    return this;
  }

  /**
   * Fails at once, with the end of the process's log, when it has exited: a jar that lacks a
   * class dies with NoClassDefFoundError at start-up, and waiting longer would only hide that.
   */
  void assertRunning() {
    if (!process.isAlive()) {
      throw new AssertionError(process.name() + " exited with code " + process.exitValue()
          + "; first error in " + process.logFile() + ":\n" + firstError()
          + "\nlast lines:\n" + process.logTail(LOG_TAIL_LINES));
    }
  }

  /** The first ERROR line of the log and what follows it: a stack trace's head says why. */
  private String firstError() {
    try (Stream<String> lines = Files.lines(process.logFile(),
        StandardCharsets.ISO_8859_1)) {
      List<String> all = lines.toList();
      for (int i = 0; i < all.size(); i++) {
        if (all.get(i).contains(" ERROR ")) {
          return String.join("\n", all.subList(i, Math.min(all.size(), i + 12)));
        }
      }
      return "(no ERROR line)";
    } catch (IOException | UncheckedIOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  String name() {
    return process.name();
  }

  int port() {
    assertThat(port).as("%s is ready", process.name()).isPositive();
    return port;
  }

  /** A client talking to this process directly, bypassing any proxy. */
  TrackflowHttp http() {
    return new TrackflowHttp(port());
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String log() {
    return process.log();
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed or committed, as in a crash. */
  void kill() {
    process.kill();
  }

  /** SIGTERM, the clean shutdown; true when the process exited within {@code grace}. */
  boolean terminate(Duration grace) {
    return process.terminate(grace);
  }

  @Override
  public void close() {
    process.close();
  }
}
