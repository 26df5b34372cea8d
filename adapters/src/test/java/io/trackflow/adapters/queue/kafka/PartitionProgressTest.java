package io.trackflow.adapters.queue.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.trackflow.adapters.queue.kafka.PartitionProgress.Delivery;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PartitionProgressTest {

  @Test
  @DisplayName("The committable offset only moves past deliveries whose predecessors all succeeded")
  void commitsTheHighestContiguousDoneOffset() {
    PartitionProgress progress = new PartitionProgress();
    Delivery a = progress.add(0, 9, 10);
    Delivery b = progress.add(10, 19, 10);
    Delivery c = progress.add(20, 29, 10);

    progress.succeed(b);
    progress.succeed(c);
    assertThat(progress.takeCommit()).as("nothing before the first delivery is stored").isEqualTo(-1);

    progress.succeed(a);
    assertThat(progress.takeCommit()).isEqualTo(30);
    assertThat(progress.takeCommit()).as("an offset is handed out for commit once").isEqualTo(-1);
  }

  @Test
  @DisplayName("A failed delivery discards it and every later one, and asks to seek back to its first offset")
  void failureDiscardsLaterDeliveries() {
    PartitionProgress progress = new PartitionProgress();
    Delivery a = progress.add(0, 4, 5);
    Delivery b = progress.add(5, 9, 5);
    Delivery c = progress.add(10, 14, 7);
    progress.succeed(a);

    int released = progress.fail(b);

    assertThat(released).as("events of b and c no longer in flight").isEqualTo(12);
    assertThat(progress.awaitingSeek()).isTrue();
    assertThat(progress.takeSeek()).isEqualTo(5);
    assertThat(progress.succeed(c)).as("a discarded delivery completing late changes nothing").isFalse();
    assertThat(progress.takeCommit()).isEqualTo(5);
    assertThat(progress.pendingDeliveries()).isZero();
  }

  @Test
  @DisplayName("After discardAll, deliveries of a revoked partition that complete later never become committable")
  void revokedDeliveriesNeverCommit() {
    PartitionProgress progress = new PartitionProgress();
    Delivery a = progress.add(0, 4, 5);

    assertThat(progress.discardAll()).isEqualTo(5);
    assertThat(progress.succeed(a)).isFalse();
    assertThat(progress.takeCommit()).isEqualTo(-1);
  }

  @Test
  @DisplayName("A failed asynchronous commit is retried with the next commit round; a confirmed one is not repeated")
  void failedCommitIsRetried() {
    PartitionProgress progress = new PartitionProgress();
    progress.succeed(progress.add(0, 0, 1));
    long offset = progress.takeCommit();

    progress.commitResult(offset, false);
    assertThat(progress.uncommitted()).isEqualTo(1);
    assertThat(progress.takeCommit()).isEqualTo(1);

    progress.commitResult(1, true);
    assertThat(progress.uncommitted()).isEqualTo(-1);
  }
}
