package io.trackflow.query.account;

import java.util.List;

/** A goal cannot be deleted while funnels use it as a step. */
public final class GoalInUseException extends RuntimeException {

  private final List<String> funnels;

  public GoalInUseException(List<String> funnels) {
    super("used by funnels " + funnels, null, false, false);
    this.funnels = List.copyOf(funnels);
  }

  /** Names of the funnels that use the goal. */
  public List<String> funnels() {
    return funnels;
  }
}
