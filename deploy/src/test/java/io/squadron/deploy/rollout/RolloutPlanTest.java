package io.squadron.deploy.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.squadron.deploy.catalog.PlatformTopology;
import io.squadron.deploy.catalog.ServiceCatalog;
import io.squadron.deploy.catalog.ServiceModule;
import io.squadron.rpc.descriptor.ServiceDescriptor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every service's plan over this checkout's regions: one canary first, then each group of each
 * region once.
 */
class RolloutPlanTest {
  private static final Path HOME =
      Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();

  @Test
  void everyServicesPlan_canaryThenItsRegionThenEveryRegion_groupByGroup() {
    PlatformTopology topology = PlatformTopology.read(HOME);
    assertThat(topology.regions()).hasSizeGreaterThanOrEqualTo(2);
    for (ServiceModule service : ServiceCatalog.discover(HOME).services()) {
      ServiceDescriptor d = service.descriptor();
      RolloutPlan plan = RolloutPlan.of(d, topology, "2.0.0");

      List<RolloutPlan.Step> steps = plan.steps();
      assertThat(steps).hasSize(1 + topology.regions().size() * d.deploymentGroups().size());
      assertThat(steps.get(0))
          .isEqualTo(
              new RolloutPlan.Step(
                  1,
                  topology.regions().get(0),
                  d.deploymentGroups().get(0),
                  RolloutPlan.Scope.CANARY));
      List<String> order = new ArrayList<>();
      for (RolloutPlan.Step s : steps.subList(1, steps.size())) {
        assertThat(s.scope()).isEqualTo(RolloutPlan.Scope.GROUP);
        order.add(s.region() + "/" + s.group());
      }
      List<String> expected = new ArrayList<>();
      topology.regions().forEach(r -> d.deploymentGroups().forEach(g -> expected.add(r + "/" + g)));
      assertThat(order)
          .as("%s: the canary's region first, group by group", d.name())
          .isEqualTo(expected);
      assertThat(plan.describe())
          .contains("1. canary: one instance of group " + d.deploymentGroups().get(0));
    }
  }

  @Test
  void aVersionThatIsNoName_isRefused() {
    PlatformTopology topology = PlatformTopology.read(HOME);
    ServiceDescriptor d = ServiceCatalog.discover(HOME).services().get(0).descriptor();
    assertThatThrownBy(() -> RolloutPlan.of(d, topology, "../../etc"))
        .hasMessageContaining("--to ../../etc");
    assertThatThrownBy(() -> RolloutPlan.of(d, topology, null)).hasMessageContaining("--to null");
  }

  @Test
  void theFleetsPlan_canaryInTheFirstGroupOfTheFirstRegion_thenGroupAThenBInEachRegion() {
    RolloutPlan plan =
        RolloutPlan.of("svc", "2.0", List.of("region-1", "region-2"), List.of("a", "b"));
    assertThat(plan.steps())
        .extracting(s -> s.region() + "/" + s.group() + " " + s.scope())
        .containsExactly(
            "region-1/a CANARY",
            "region-1/a GROUP",
            "region-1/b GROUP",
            "region-2/a GROUP",
            "region-2/b GROUP");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> RolloutPlan.of("svc", "2.0", List.of(), List.of("a")))
        .hasMessageContaining("no instances");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> RolloutPlan.of("svc", "../2", List.of("local"), List.of("a")))
        .hasMessageStartingWith("--to ../2");
  }
}
