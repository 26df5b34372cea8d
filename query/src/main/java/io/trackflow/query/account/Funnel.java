package io.trackflow.query.account;

import java.util.List;

/** A named sequence of a site's goals that visitors are expected to complete in order. */
public record Funnel(long id, String domain, String name, List<Goal> steps, long createdAt) {

  public Funnel {
    steps = List.copyOf(steps);
  }
}
