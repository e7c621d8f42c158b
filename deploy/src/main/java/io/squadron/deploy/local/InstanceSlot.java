package io.squadron.deploy.local;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/**
 * One place an instance of a service runs on the local platform, as a Kubernetes pod of a
 * Deployment would: the service, its region, its deployment group and its index in the group. The
 * slot outlives its processes: a restarted or replaced instance keeps its slot, and so its port.
 *
 * @param service the service's name (its descriptor's)
 * @param region {@code local} on a one-region platform, else {@code region-1}, {@code region-2} ...
 * @param group the deployment group ({@code a}, {@code b})
 * @param index the instance's number in its region and group, from 0
 */
public record InstanceSlot(String service, String region, String group, int index) {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");

  public InstanceSlot {
    requireName(service, "service");
    requireName(region, "region");
    requireName(group, "group");
    if (index < 0) {
      throw new IllegalArgumentException("index: " + index + " (expected: >= 0)");
    }
  }

  private static void requireName(String value, String what) {
    requireNonNull(value, what);
    if (!NAME.matcher(value).matches()) {
      throw new IllegalArgumentException(
          what + ": \"" + value + "\" (expected: lower-case letters, digits and '-')");
    }
  }

  /** {@code region/group#index}, as logs and {@code status} show it. */
  public String location() {
    return region + "/" + group + "#" + index;
  }

  /** {@code service region/group#index}. */
  public String id() {
    return service + " " + location();
  }

  /** {@code service-region-group-index}: the slot's config and log file names. */
  public String fileName() {
    return service + "-" + region + "-" + group + "-" + index;
  }

  @Override
  public String toString() {
    return id();
  }
}
