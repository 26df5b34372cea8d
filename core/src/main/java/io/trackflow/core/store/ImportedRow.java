package io.trackflow.core.store;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;

/**
 * One row of an {@link ImportedTable}: the site's local date, the dimension values and the
 * metric values, each in the table's column order.
 */
public record ImportedRow(LocalDate date, List<String> dimensions, long[] metrics) {

  public ImportedRow {
    dimensions = List.copyOf(dimensions);
    metrics = metrics.clone();
  }

  @Override
  public long[] metrics() {
    return metrics.clone();
  }

  /** The metric at {@code index} without copying the array. */
  public long metric(int index) {
    return metrics[index];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImportedRow r && date.equals(r.date) && dimensions.equals(r.dimensions)
        && Arrays.equals(metrics, r.metrics);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * date.hashCode() + dimensions.hashCode()) + Arrays.hashCode(metrics);
  }

  @Override
  public String toString() {
    return "ImportedRow[" + date + ", " + dimensions + ", " + Arrays.toString(metrics) + "]";
  }
}
