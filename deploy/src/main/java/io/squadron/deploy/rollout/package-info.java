/**
 * Rollouts of a service to a new version: the plan of steps (canary, its region, every region;
 * group by group) from the service's descriptor and {@code deploy/regions.conf}, and, in {@code
 * .analysis}, the automated canary analysis between steps.
 */
package io.squadron.deploy.rollout;
