package io.trackflow.core.testdata;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/** A generator of random values, drawn from the seeded {@link Random} a {@link Fuzz} try hands it. */
@FunctionalInterface
public interface Gen<T> {

  T next(Random random);

  default <R> Gen<R> map(Function<? super T, ? extends R> f) {
    return r -> f.apply(next(r));
  }

  /** Lists of 0 to {@code max} values. */
  default Gen<List<T>> list(int max) {
    return r -> {
      int n = r.nextInt(max + 1);
      List<T> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        out.add(next(r));
      }
      return out;
    };
  }

  /** This generator's value, or null with probability {@code p}. */
  default Gen<T> orNull(double p) {
    return r -> r.nextDouble() < p ? null : next(r);
  }

  static <T> Gen<T> constant(T value) {
    return r -> value;
  }

  /** One of the values, each equally likely. */
  @SafeVarargs
  static <T> Gen<T> of(T... values) {
    return of(List.of(values));
  }

  static <T> Gen<T> of(List<? extends T> values) {
    List<? extends T> copy = List.copyOf(values);
    return r -> copy.get(r.nextInt(copy.size()));
  }

  /** A value of one of the generators, each equally likely. */
  @SafeVarargs
  static <T> Gen<T> oneOf(Gen<? extends T>... gens) {
    return r -> gens[r.nextInt(gens.length)].next(r);
  }

  /** An integer in {@code [min, max]}. */
  static Gen<Integer> ints(int min, int max) {
    return r -> min + r.nextInt(max - min + 1);
  }

  /** Maps of 0 to {@code max} entries (later keys drawn twice keep their last value). */
  static <K, V> Gen<Map<K, V>> maps(Gen<K> keys, Gen<V> values, int max) {
    return r -> {
      int n = r.nextInt(max + 1);
      Map<K, V> out = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        out.put(keys.next(r), values.next(r));
      }
      return out;
    };
  }

  /** Chooses among generators by weight: {@code weighted().add(3, a).add(1, b)}. */
  static <T> Weighted<T> weighted() {
    return new Weighted<>(List.of(), 0);
  }

  /** Generators with weights; itself a generator. */
  record Weighted<T>(List<Map.Entry<Integer, Gen<? extends T>>> choices, int total) implements Gen<T> {

    public Weighted<T> add(int weight, Gen<? extends T> gen) {
      List<Map.Entry<Integer, Gen<? extends T>>> more = new ArrayList<>(choices);
      more.add(Map.entry(weight, gen));
      return new Weighted<>(List.copyOf(more), total + weight);
    }

    @Override
    public T next(Random random) {
      int pick = random.nextInt(total);
      for (Map.Entry<Integer, Gen<? extends T>> choice : choices) {
        pick -= choice.getKey();
        if (pick < 0) {
          return choice.getValue().next(random);
        }
      }
      throw new IllegalStateException("no choice");
    }
  }
}
