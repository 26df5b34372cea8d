package io.trackflow.server;

import io.trackflow.testsupport.HostTool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The repository's docker-compose.yml as an operator runs it: copied with what compose reads
 * (build contexts, deploy/) into a temporary directory next to a {@code .env}, then handed to
 * Debian's docker-compose 1.29, which validates and resolves it without a Docker engine.
 */
final class ComposeProject {

  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final Path COMPOSE_FILE = ROOT.resolve("docker-compose.yml");
  static final Path ENV_EXAMPLE = ROOT.resolve(".env.example");

  private static final Pattern ENV_LINE = Pattern.compile("^([A-Z][A-Z0-9_]*)=(.*)$");

  private final Path directory;
  private final HostTool compose;

  private ComposeProject(Path directory) {
    this.directory = directory;
    this.compose = HostTool.require("docker-compose", "docker-compose", "/usr/bin/docker-compose", "docker-compose");
  }

  /** A copy of the project in {@code directory} (a test's temporary directory) with the given .env. */
  static ComposeProject copy(Path directory, Map<String, String> env) {
    try {
      Files.copy(COMPOSE_FILE, directory.resolve("docker-compose.yml"));
      Files.copy(ROOT.resolve("Dockerfile"), directory.resolve("Dockerfile"));
      copyTree(ROOT.resolve("deploy"), directory.resolve("deploy"));
      StringBuilder dotEnv = new StringBuilder();
      env.forEach((name, value) -> dotEnv.append(name).append('=').append(value).append('\n'));
      Files.writeString(directory.resolve(".env"), dotEnv);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ComposeProject(directory);
  }

  /** Where the copy lives: resolved bind mounts start with it. */
  Path directory() {
    return directory;
  }

  /** The variables of .env.example in file order, values as committed (secrets empty). */
  static Map<String, String> envExample() {
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : read(ENV_EXAMPLE).split("\n")) {
      Matcher m = ENV_LINE.matcher(line.strip());
      if (m.matches()) {
        values.put(m.group(1), m.group(2));
      }
    }
    return values;
  }

  /** The names .env.example leaves empty: what an operator must fill in before the first start. */
  static List<String> requiredInEnv() {
    return envExample().entrySet().stream().filter(e -> e.getValue().isEmpty()).map(Map.Entry::getKey).toList();
  }

  /** .env.example with every empty value filled in the way it says (random hex), as after editing. */
  static Map<String, String> filledEnv() {
    Map<String, String> env = new LinkedHashMap<>(envExample());
    SecureRandom random = new SecureRandom();
    env.replaceAll((name, value) -> {
      if (!value.isEmpty()) {
        return value;
      }
      byte[] bytes = new byte[32];
      random.nextBytes(bytes);
      return HexFormat.of().formatHex(bytes);
    });
    return env;
  }

  /** {@code docker-compose [args] config -q}: validation only. */
  HostTool.Output validate(String... globalArgs) {
    return run(concat(globalArgs, "config", "-q"));
  }

  /** The whole file as docker-compose resolves it: anchors merged, variables interpolated. */
  Map<String, Object> resolved() {
    HostTool.Output output = run(List.of("config"));
    if (!output.ok()) {
      throw new AssertionError("docker-compose config failed:\n" + output.stderr());
    }
    Object model = new Load(LoadSettings.builder().build()).loadFromString(output.stdout());
    return cast(model);
  }

  private HostTool.Output run(List<String> args) {
    // Only what compose needs: a variable set on the test machine would override .env.
    Map<String, String> environment = Map.of("PATH", "/usr/bin:/bin", "HOME", directory.toString(), "LANG", "C.UTF-8");
    return compose.run(directory, environment, Duration.ofSeconds(60), args.toArray(String[]::new));
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  static <T> T cast(Object value) {
    return (T) value;
  }

  private static List<String> concat(String[] head, String... tail) {
    List<String> all = new ArrayList<>(List.of(head));
    all.addAll(List.of(tail));
    return all;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path source : paths.toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
  }
}
