/**
 * Writing the generated files ({@code squadron monitoring}, {@code squadron manifests}) the same
 * way every time: YAML and JSON from ordered maps, so a regenerated file differs from the committed
 * one only where its sources changed.
 */
package io.squadron.deploy.render;
