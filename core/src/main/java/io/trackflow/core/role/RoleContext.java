package io.trackflow.core.role;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.trackflow.core.config.TrackflowConfig;
import io.trackflow.core.health.HealthRoutes;
import io.vertx.core.Vertx;

/** What a role gets to build itself: Vert.x, configuration, metrics, health and the adapters. */
public record RoleContext(
    Vertx vertx,
    TrackflowConfig config,
    PrometheusMeterRegistry registry,
    HealthRoutes health,
    Components components) {}
