package io.trackflow.collector.pipeline;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The batches still being published, across every event loop, so stopping can wait for them. */
public final class InFlight {

  private final Set<Future<?>> running = ConcurrentHashMap.newKeySet();

  public void track(Future<?> future) {
    if (!future.isComplete()) {
      running.add(future);
      future.onComplete(ar -> running.remove(future));
    }
  }

  /** Completes when every batch tracked so far has finished, whatever its outcome. */
  public Future<Void> drained() {
    return Future.join(new ArrayList<>(running)).otherwiseEmpty().mapEmpty();
  }

  public int size() {
    return running.size();
  }
}
