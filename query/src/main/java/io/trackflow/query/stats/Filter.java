package io.trackflow.query.stats;

import java.util.List;

/** A filter tree in Plausible's nested array syntax: conditions combined with and/or/not. */
public sealed interface Filter {

  /** The operators a condition can use. */
  enum Op {
    IS("is"), IS_NOT("is_not"), CONTAINS("contains"), MATCHES("matches");

    final String apiName;

    Op(String apiName) {
      this.apiName = apiName;
    }

    public String apiName() {
      return apiName;
    }
  }

  /**
   * {@code [op, dimension, [values…]]}: true when the dimension's value satisfies the operator for
   * any of the values ({@code is_not}: for none of them).
   */
  record Condition(Op op, Dimension dimension, List<String> values, boolean caseSensitive)
      implements Filter {
    public Condition {
      values = List.copyOf(values);
    }
  }

  record And(List<Filter> children) implements Filter {
    public And {
      children = List.copyOf(children);
    }
  }

  record Or(List<Filter> children) implements Filter {
    public Or {
      children = List.copyOf(children);
    }
  }

  record Not(Filter child) implements Filter {}

  /** True when every condition in the tree is on an event-level dimension. */
  default boolean eventLevel() {
    return switch (this) {
      case Condition c -> c.dimension().isEvent();
      case And a -> a.children().stream().allMatch(Filter::eventLevel);
      case Or o -> o.children().stream().allMatch(Filter::eventLevel);
      case Not n -> n.child().eventLevel();
    };
  }

  /** True when every condition in the tree is on a visit (session) dimension. */
  default boolean visitLevel() {
    return switch (this) {
      case Condition c -> c.dimension().isVisit();
      case And a -> a.children().stream().allMatch(Filter::visitLevel);
      case Or o -> o.children().stream().allMatch(Filter::visitLevel);
      case Not n -> n.child().visitLevel();
    };
  }
}
