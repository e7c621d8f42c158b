/** The admin HTTP endpoint every service exposes: {@code /metrics}, {@code /healthz}, {@code /readyz}. */
package io.squadron.rpc.admin;
