package io.squadron.els;

import static java.util.Objects.requireNonNull;

import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer;
import io.grpc.LoadBalancerProvider;
import io.grpc.NameResolver;
import io.grpc.NameResolver.ConfigOrError;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Provides the {@code els} load-balancing policy: the Expected Latency Selector with a relative
 * circuit breaker. Registered through {@code META-INF/services}; select it with the service config
 * {@code {"loadBalancingConfig":[{"els":{}}]}} (see {@link ElsConfig} for the keys).
 *
 * <p>Metrics go, per channel, to the registry set on the channel builder with {@code
 * builder.setNameResolverArg(ElsLoadBalancerProvider.METER_REGISTRY, registry)}; without it, to the
 * provider's registry (for the instance found by the service loader, Micrometer's global registry).
 */
public final class ElsLoadBalancerProvider extends LoadBalancerProvider {

  /** The policy name used in service configs. */
  public static final String POLICY_NAME = "els";

  /**
   * Channel-builder argument naming the registry this channel's ELS metrics go to: {@code
   * ManagedChannelBuilder.setNameResolverArg(METER_REGISTRY, registry)}.
   */
  public static final NameResolver.Args.Key<MeterRegistry> METER_REGISTRY =
      NameResolver.Args.Key.create("io.squadron.els.meterRegistry");

  /**
   * Resolver attribute of an {@link EquivalentAddressGroup}: the region the endpoint runs in (e.g.
   * {@code "eu"}). A name resolver that knows it sets it on each address group: {@code new
   * EquivalentAddressGroup(address, Attributes.newBuilder().set(REGION, "eu").build())}. A client
   * whose config names its own {@code localRegion} prefers the endpoints of that region and spills
   * over to the others when the local ones are ejected, gone or slower than a remote call (see the
   * README). Endpoints without it are in no region; without a {@code localRegion} the attribute
   * only groups estimates.
   */
  @EquivalentAddressGroup.Attr
  public static final Attributes.Key<String> REGION =
      Attributes.Key.create("io.squadron.els.region");

  /** The priority of the instance found by the service loader. */
  public static final int DEFAULT_PRIORITY = 5;

  private final MeterRegistry registry;
  private final int priority;
  private final LongSupplier ticker;
  private final DoubleSupplier random;

  /** The service-loader constructor: metrics to {@link Metrics#globalRegistry}, priority 5. */
  public ElsLoadBalancerProvider() {
    this(Metrics.globalRegistry, DEFAULT_PRIORITY);
  }

  /**
   * A provider whose balancers report to {@code registry}.
   *
   * @param priority the provider priority in the {@link io.grpc.LoadBalancerRegistry} (0..10); use
   *     more than {@link #DEFAULT_PRIORITY} to take precedence over the service-loader instance
   */
  public ElsLoadBalancerProvider(MeterRegistry registry, int priority) {
    this(registry, priority, System::nanoTime, () -> ThreadLocalRandom.current().nextDouble());
  }

  ElsLoadBalancerProvider(
      MeterRegistry registry, int priority, LongSupplier ticker, DoubleSupplier random) {
    this.registry = requireNonNull(registry, "registry");
    if (priority < 0 || priority > 10) {
      throw new IllegalArgumentException("priority: " + priority + " (expected: in [0, 10])");
    }
    this.priority = priority;
    this.ticker = requireNonNull(ticker, "ticker");
    this.random = requireNonNull(random, "random");
  }

  @Override
  public boolean isAvailable() {
    return true;
  }

  @Override
  public int getPriority() {
    return priority;
  }

  @Override
  public String getPolicyName() {
    return POLICY_NAME;
  }

  @Override
  public LoadBalancer newLoadBalancer(LoadBalancer.Helper helper) {
    return new ElsLoadBalancer(helper, registryFor(helper), ticker, random);
  }

  private MeterRegistry registryFor(LoadBalancer.Helper helper) {
    try {
      NameResolver.Args args = helper.getNameResolverArgs();
      MeterRegistry channelRegistry = args == null ? null : args.getArg(METER_REGISTRY);
      return channelRegistry != null ? channelRegistry : registry;
    } catch (UnsupportedOperationException e) {
      return registry;
    }
  }

  @Override
  public ConfigOrError parseLoadBalancingPolicyConfig(Map<String, ?> rawConfig) {
    return ElsConfig.fromJson(rawConfig);
  }
}
