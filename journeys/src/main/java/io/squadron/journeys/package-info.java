/**
 * The journey driver: whole user journeys through the running platform as client apps make them
 * ({@link io.squadron.journeys.JourneysMain}), with per-step outcomes and latencies, and the run's
 * audit.
 */
package io.squadron.journeys;
