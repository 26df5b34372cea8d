package io.trackflow.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.core.event.Event;
import io.trackflow.core.queue.Await;
import io.trackflow.core.queue.QueueEvents;
import io.trackflow.testsupport.ClickHouseService;
import io.trackflow.testsupport.KafkaService;
import io.trackflow.testsupport.RealServices;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * No double counting when a writer dies between insert and commit. The first writer runs in a
 * child JVM ({@link CrashWriterMain}, launched with this test's classpath) whose store freezes
 * right after its second insert succeeded, so that batch is in ClickHouse and its offsets are
 * not committed; the test then kills it with SIGKILL and starts a replacement in this JVM, which
 * reads the uncommitted batch again and inserts it a second time.
 */
@ExtendWith(RealServices.class)
class WriterCrashIT {

  private static final int EVENTS = 10_000;
  private static final int CHILD_BATCH = 1_000;

  private final KafkaService kafka;
  private final ClickHouseService clickHouse;

  WriterCrashIT(KafkaService kafka, ClickHouseService clickHouse) {
    this.kafka = kafka;
    this.clickHouse = clickHouse;
  }

  @Test
  @DisplayName("A writer SIGKILLed after an insert and before its commit is replaced, and ClickHouse counts each event once")
  void killBetweenInsertAndCommitDoesNotDoubleCount() throws Exception {
    try (Pipeline pipeline = new Pipeline(kafka, clickHouse, 3)) {
      List<Event> events = new QueueEvents(3_000_000).forVisitors(500, EVENTS / 500);
      pipeline.publish(events, 100);

      long insertedByChild;
      ChildProcess child = ChildProcess.start(pipeline, CHILD_BATCH, 2);
      try {
        insertedByChild = child.awaitInserted();
        child.process.destroyForcibly(); // SIGKILL: no shutdown hook, no commit, no leave-group
        assertThat(child.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.process.exitValue()).as("exit status of a SIGKILLed JVM").isEqualTo(137);
      } finally {
        child.process.destroyForcibly();
      }
      assertThat(pipeline.countDistinctIds()).as("events the killed writer left in ClickHouse")
          .isEqualTo(insertedByChild)
          .isBetween(1L, (long) EVENTS - 1);

      Pipeline.Writer replacement = pipeline.startWriter(2_000, Duration.ofMillis(200));
      Await.until("the replacement to store and commit everything", pipeline::committedEverything);
      Await.until("the replacement to hold nothing", () -> replacement.buffered() == 0.0);

      assertThat(pipeline.countFinal()).as("events as queries count them").isEqualTo(EVENTS);
      assertThat(pipeline.countDistinctIds()).isEqualTo(EVENTS);
      assertThat(insertedByChild + (long) replacement.rows())
          .as("rows inserted by both writers: the uncommitted batch was inserted twice")
          .isGreaterThan(EVENTS);
    }
  }

  /** The child writer JVM and what it printed. */
  private record ChildProcess(Process process, CompletableFuture<Long> inserted, StringBuffer output) {

    static ChildProcess start(Pipeline pipeline, int batchSize, int insertsBeforeFreeze) throws IOException {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<String> command = List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
          "-cp", System.getProperty("java.class.path"), CrashWriterMain.class.getName(),
          pipeline.queue.bootstrap(), pipeline.queue.topic(), pipeline.queue.group(),
          pipeline.store.url().toString(), pipeline.store.database(),
          Integer.toString(batchSize), Integer.toString(insertsBeforeFreeze));
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      ChildProcess child = new ChildProcess(process, new CompletableFuture<>(), new StringBuffer());
      Thread.ofPlatform().daemon().name("crash-writer-output").start(child::readOutput);
      return child;
    }

    private void readOutput() {
      try (BufferedReader reader = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          output.append(line).append('\n');
          if (line.startsWith(CrashWriterMain.INSERTED)) {
            inserted.complete(Long.parseLong(line.substring(CrashWriterMain.INSERTED.length()).strip()));
          }
        }
      } catch (IOException e) {
        // The process was killed; what it printed is in output.
      }
      inserted.completeExceptionally(new AssertionError("the child writer ended before its insert:\n" + output));
    }

    long awaitInserted() throws Exception {
      try {
        return inserted.get(Await.SAFETY_NET.toSeconds(), TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new AssertionError("the child writer never reported its insert:\n" + output, e);
      }
    }
  }
}
