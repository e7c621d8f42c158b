/**
 * Kubernetes manifests generated from the service descriptors and {@code deploy/regions.conf}
 * ({@link io.squadron.deploy.k8s.K8sManifests}, {@code squadron manifests}): per region and
 * deployment group a Deployment, a headless Service, a PodDisruptionBudget and a
 * HorizontalPodAutoscaler; per service its config, its cert-manager Certificate and its
 * NetworkPolicy; the stores as their operators expect them (K8ssandra, CloudNativePG, Strimzi) and
 * memcached as a StatefulSet.
 */
package io.squadron.deploy.k8s;
