package io.trackflow.query.account;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.trackflow.core.http.HttpFailure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A named worker pool for blocking work (JDBC, password hashing) with a bounded backlog: when
 * too much is waiting, new work is refused at once with a 503 and counted, instead of queueing
 * without limit while callers time out.
 */
public final class BoundedWorker {

  private final WorkerExecutor executor;
  private final int maxPending;
  private final AtomicInteger pending = new AtomicInteger();
  private final Counter rejected;
  private final String name;

  public BoundedWorker(Vertx vertx, String name, int threads, int maxPending, MeterRegistry registry) {
    this.name = name;
    this.executor = vertx.createSharedWorkerExecutor("trackflow-" + name, threads);
    this.maxPending = maxPending;
    this.rejected = Counter.builder("trackflow.worker.rejected")
        .description("Blocking tasks refused because the pool's backlog was full")
        .tag("pool", name)
        .register(registry);
    Gauge.builder("trackflow.worker.pending", pending, AtomicInteger::get)
        .description("Blocking tasks queued or running")
        .tag("pool", name)
        .register(registry);
  }

  /** Runs the task on the pool; completes on the caller's context. */
  public <T> Future<T> run(Callable<T> task) {
    if (pending.incrementAndGet() > maxPending) {
      pending.decrementAndGet();
      rejected.increment();
      return Future.failedFuture(new HttpFailure(503, "busy",
          "the " + name + " service is overloaded; retry shortly"));
    }
    return executor.executeBlocking(task, false).andThen(ar -> pending.decrementAndGet());
  }

  public Future<Void> close() {
    return executor.close();
  }
}
