package io.trackflow.core.role;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The adapters of one process, created lazily on first use and shared by its roles, so a
 * standalone process has one in-process queue and one store for collector, writer and query.
 * Which adapter backs each port is decided once, where the factories are registered.
 */
public final class Components {

  private final Map<Class<?>, Supplier<Future<?>>> factories = new HashMap<>();
  private final Map<Class<?>, Future<?>> instances = new HashMap<>();
  private final List<Supplier<Future<Void>>> closers = new ArrayList<>();

  /** Registers how to build the adapter for a port, and how to close it. */
  public synchronized <T> Components register(
      Class<T> port, Supplier<Future<T>> factory, Function<T, Future<Void>> closer) {
    factories.put(port, () -> factory.get().onSuccess(t -> {
      synchronized (this) {
        closers.add(0, () -> closer.apply(t));
      }
    }));
    return this;
  }

  /** The adapter for a port, built on first request. */
  @SuppressWarnings("unchecked")
  public synchronized <T> Future<T> get(Class<T> port) {
    Future<?> existing = instances.get(port);
    if (existing != null) {
      return (Future<T>) existing;
    }
    Supplier<Future<?>> factory = factories.get(port);
    if (factory == null) {
      return Future.failedFuture(new IllegalStateException("no adapter registered for " + port.getSimpleName()));
    }
    Future<T> created = (Future<T>) factory.get();
    instances.put(port, created);
    return created;
  }

  public synchronized boolean has(Class<?> port) {
    return factories.containsKey(port);
  }

  /** Closes every adapter that was built, most recently built first. */
  public Future<Void> closeAll() {
    List<Supplier<Future<Void>>> toClose;
    synchronized (this) {
      toClose = new ArrayList<>(closers);
      closers.clear();
    }
    Future<Void> chain = Future.succeededFuture();
    for (Supplier<Future<Void>> closer : toClose) {
      chain = chain.eventually(() -> closer.get().recover(e -> Future.succeededFuture()));
    }
    return chain;
  }
}
