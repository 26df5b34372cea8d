package io.trackflow.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A single-node Kafka in KRaft mode (combined broker and controller) running in a child JVM from
 * the Maven Central broker jars. Their paths are recorded at build time by the
 * trackflow-test-kafka-broker module, so the broker's kafka-clients, Scala and Jackson never land
 * on a test classpath. Topics are created on first use with one partition, or explicitly with
 * {@link #createTopic(String, int)}.
 */
public final class KafkaService extends RealService {

  static final String CLASSPATH_RESOURCE = "io/trackflow/testsupport/kafka/broker-classpath.txt";
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
  // C1 only and a serial GC: the broker starts in about half the time, and tests never load it
  // enough for the peak compiler to matter.
  private static final List<String> JVM_OPTIONS = List.of(
      "-Xms64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
      "-Djava.awt.headless=true", "-Dfile.encoding=UTF-8");

  private final Path java;
  private final String classpath;
  private final String clusterId = newClusterId();
  private int port;
  private int controllerPort;
  private Admin admin;

  private KafkaService(Path java, String classpath) {
    super("Kafka");
    this.java = java;
    this.classpath = classpath;
    choosePorts();
  }

  /** A stopped instance; fails first if the broker classpath or a JDK is missing. */
  static KafkaService create() {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    if (!Files.isExecutable(java)) {
      throw new MissingServiceBinaryException("java (to run the Kafka broker)", List.of(java.toString()),
          "openjdk-21-jre-headless");
    }
    return new KafkaService(java, brokerClasspath(KafkaService.class.getClassLoader().getResource(CLASSPATH_RESOURCE)));
  }

  /** Starts a private Kafka; the caller closes it. Tests usually share one via {@link RealServices}. */
  public static KafkaService launch() {
    return RealServices.started(create());
  }

  /** The {@code bootstrap.servers} value for clients, e.g. {@code 127.0.0.1:41234}. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** The broker's client port. */
  public int port() {
    return port;
  }

  /**
   * Creates a topic with {@code partitions} partitions (replication factor 1) and returns once
   * every partition has a leader; an existing topic with that name is left as it is.
   */
  public synchronized void createTopic(String topic, int partitions) {
    Admin client = admin();
    try {
      client.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
          .all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create topic " + topic + " on " + bootstrapServers(), e.getCause());
      }
    } catch (TimeoutException e) {
      throw new IllegalStateException("creating topic " + topic + " timed out on " + bootstrapServers(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + topic, e);
    }
    awaitLeaders(client, topic);
  }

  /** Creates a topic with a fresh name and {@code partitions} partitions, and returns the name. */
  public String newTopic(int partitions) {
    String topic = TestNames.unique("topic");
    createTopic(topic, partitions);
    return topic;
  }

  @Override
  void choosePorts() {
    int[] ports = FreePorts.allocate(2);
    port = ports[0];
    controllerPort = ports[1];
  }

  @Override
  void configure() throws IOException {
    Files.createDirectories(directory().resolve("data"));
    Files.writeString(directory().resolve("server.properties"), serverProperties(directory(), port, controllerPort));
    Files.writeString(directory().resolve("log4j2.properties"), LOG4J2);
  }

  /**
   * The broker session timeout is short because after a kill the restarted broker cannot
   * register until its previous session expires (9 s by default).
   */
  static String serverProperties(Path dir, int port, int controllerPort) {
    return """
        process.roles=broker,controller
        node.id=1
        controller.quorum.voters=1@127.0.0.1:%2$d
        listeners=PLAINTEXT://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d
        advertised.listeners=PLAINTEXT://127.0.0.1:%1$d
        controller.listener.names=CONTROLLER
        inter.broker.listener.name=PLAINTEXT
        listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
        log.dirs=%3$s/data
        auto.create.topics.enable=true
        num.partitions=1
        default.replication.factor=1
        offsets.topic.replication.factor=1
        offsets.topic.num.partitions=1
        transaction.state.log.replication.factor=1
        transaction.state.log.min.isr=1
        transaction.state.log.num.partitions=1
        share.coordinator.state.topic.replication.factor=1
        share.coordinator.state.topic.min.isr=1
        group.initial.rebalance.delay.ms=0
        group.min.session.timeout.ms=1000
        broker.heartbeat.interval.ms=500
        broker.session.timeout.ms=3000
        """.formatted(port, controllerPort, dir);
  }

  private static final String LOG4J2 = """
      rootLogger.level=INFO
      rootLogger.appenderRef.out.ref=OUT
      appender.out.type=Console
      appender.out.name=OUT
      appender.out.layout.type=PatternLayout
      appender.out.layout.pattern=[%d] %p %m (%c)%n
      """;

  @Override
  void initialize() {
    List<String> format = javaCommand("-Xmx256m", "kafka.tools.StorageTool", "format",
        "-t", clusterId, "-c", directory().resolve("server.properties").toString());
    runSetupCommand("kafka-storage format", format, Duration.ofSeconds(60));
  }

  @Override
  List<String> command() {
    return javaCommand("-Xmx384m", "kafka.Kafka", directory().resolve("server.properties").toString());
  }

  private List<String> javaCommand(String heap, String mainClass, String... args) {
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.add(heap);
    command.addAll(JVM_OPTIONS);
    command.add("-Dlog4j2.configurationFile=" + directory().resolve("log4j2.properties"));
    command.add("-cp");
    command.add(classpath);
    command.add(mainClass);
    command.addAll(List.of(args));
    return command;
  }

  @Override
  boolean probe() throws Exception {
    // A cheap socket check first keeps the admin client from logging a connection error per try.
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
    }
    return !admin().describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
  }

  @Override
  synchronized void beforeStop() {
    if (admin != null) {
      admin.close(Duration.ofSeconds(1));
      admin = null;
    }
  }

  @Override
  String endpoint() {
    return bootstrapServers();
  }

  private synchronized Admin admin() {
    if (admin == null) {
      admin = Admin.create(Map.of(
          AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
          AdminClientConfig.CLIENT_ID_CONFIG, "trackflow-test-support",
          AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
          AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000,
          AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 50,
          AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500,
          AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 100));
    }
    return admin;
  }

  private void awaitLeaders(Admin client, String topic) {
    Instant deadline = Instant.now().plus(ADMIN_TIMEOUT);
    while (true) {
      try {
        TopicDescription description = client.describeTopics(List.of(topic)).allTopicNames()
            .get(5, TimeUnit.SECONDS).get(topic);
        if (description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
          return;
        }
      } catch (ExecutionException | TimeoutException e) {
        // Metadata not propagated yet; ask again.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for topic " + topic, e);
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("topic " + topic + " has partitions without a leader after "
            + ADMIN_TIMEOUT.toSeconds() + " s");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for topic " + topic, e);
      }
    }
  }

  /** Reads the broker classpath written at build time and checks every jar is still there. */
  static String brokerClasspath(URL resource) {
    if (resource == null) {
      throw new ServiceStartException("Kafka broker classpath resource " + CLASSPATH_RESOURCE + " is not on the"
          + " test classpath: depend on trackflow-test-support (which brings trackflow-test-kafka-broker) and"
          + " build with Maven from the repository root, e.g. ./mvnw -pl <module> -am verify");
    }
    String classpath;
    try (InputStream in = resource.openStream()) {
      classpath = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
    List<String> missing = new ArrayList<>();
    for (String jar : classpath.split(File.pathSeparator)) {
      if (!Files.isRegularFile(Path.of(jar))) {
        missing.add(jar);
      }
    }
    if (classpath.isEmpty() || !missing.isEmpty()) {
      throw new ServiceStartException("Kafka broker jars listed in " + resource + " are missing: " + missing
          + ". They are resolved into the local Maven repository when test-support/kafka-broker is built;"
          + " rebuild it (./mvnw -pl test-support -am verify).");
    }
    return classpath;
  }

  static String newClusterId() {
    // Kafka cluster ids are 16 random bytes in URL-safe base64 without padding. An id starting
    // with '-' would be read as an option by kafka-storage's argument parser (Kafka's own
    // Uuid.randomUuid() avoids those too), so draw again.
    SecureRandom random = new SecureRandom();
    byte[] bytes = new byte[16];
    String id;
    do {
      random.nextBytes(bytes);
      id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    } while (id.startsWith("-"));
    return id;
  }
}
