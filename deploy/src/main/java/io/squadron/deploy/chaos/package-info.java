/**
 * {@code squadron chaos}: journeys through the local platform while instances and stores are
 * killed, paused and restarted in turn. The faults come from the descriptors and store kinds
 * ({@link io.squadron.deploy.chaos.FaultPlan}), the journeys from a module named in {@code
 * deploy/journeys.properties} ({@link io.squadron.deploy.chaos.JourneyRegistry}); no code here
 * names a service.
 */
package io.squadron.deploy.chaos;
