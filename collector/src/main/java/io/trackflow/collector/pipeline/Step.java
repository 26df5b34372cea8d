package io.trackflow.collector.pipeline;

/** One named, synchronous step of the ingestion pipeline; returns a reason to drop, or null. */
public interface Step {

  String name();

  DropReason apply(Hit hit);
}
