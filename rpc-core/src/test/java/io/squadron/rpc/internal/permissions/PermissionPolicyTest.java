package io.squadron.rpc.internal.permissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.grpc.MethodDescriptor;
import io.squadron.proto.shuffle.v1.ShuffleServiceGrpc;
import io.squadron.rpc.config.ConfigLoader;
import io.squadron.rpc.config.InvalidConfigException;
import io.squadron.rpc.identity.Caller;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PermissionPolicyTest {
  private static final MethodDescriptor<?, ?> SHUFFLE = ShuffleServiceGrpc.getShuffleMethod();
  private static final String SVC = "squadron.shuffle.v1.ShuffleService";

  @Test
  void emptyPolicy_deniesEveryone() {
    assertThat(PermissionPolicy.denyAll().allows(SHUFFLE, new Caller("checkout"))).isFalse();
    assertThat(
            PermissionPolicy.of(Map.of("other.Service", List.of("checkout")))
                .allows(SHUFFLE, new Caller("checkout")))
        .isFalse();
  }

  @Test
  void serviceAndMethodEntries_addUp() {
    PermissionPolicy policy =
        PermissionPolicy.of(Map.of(SVC, List.of("checkout"), SVC + "/Shuffle", List.of("billing")));

    assertThat(policy.allows(SHUFFLE, new Caller("checkout"))).isTrue();
    assertThat(policy.allows(SHUFFLE, new Caller("billing"))).isTrue();
    assertThat(policy.allows(SHUFFLE, new Caller("search"))).isFalse();
  }

  @Test
  void appWildcard_admitsAppsOnly() {
    PermissionPolicy policy =
        PermissionPolicy.of(Map.of(SVC + "/Shuffle", List.of("app:*", "app:web")));

    assertThat(policy.allows(SHUFFLE, Caller.app("ios"))).isTrue();
    assertThat(policy.allows(SHUFFLE, new Caller("checkout"))).isFalse();
    assertThat(policy.allows(SHUFFLE, Caller.UNKNOWN)).isFalse();
    assertThat(
            PermissionPolicy.of(Map.of(SVC, List.of("app:web"))).allows(SHUFFLE, Caller.app("ios")))
        .isFalse();
  }

  @Test
  void fromConfig_readsQuotedKeys() {
    var config =
        ConfigLoader.withOverrides(
            ConfigFactory.parseString(
                """
        squadron.permissions.policy { "%s/Shuffle" = [checkout, "app:*"] }"""
                    .formatted(SVC)));

    PermissionPolicy policy = PermissionSettings.from(config).policy();

    assertThat(policy.entries()).containsOnlyKeys(SVC + "/Shuffle");
    assertThat(policy.allows(SHUFFLE, new Caller("checkout"))).isTrue();
  }

  @Test
  void badEntries_areRejectedNamingTheKey() {
    assertThatThrownBy(
            () ->
                PermissionSettings.from(
                    ConfigLoader.withOverrides(
                        ConfigFactory.parseString(
                            "squadron.permissions.policy { \"%s\" = checkout }".formatted(SVC)))))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("squadron.permissions.policy.\"" + SVC + "\"");
    assertThatThrownBy(() -> PermissionPolicy.of(Map.of(SVC, List.of("Check Out"))))
        .hasMessageContaining("Check Out");
    assertThatThrownBy(() -> PermissionPolicy.of(Map.of("not a service/", List.of("checkout"))))
        .hasMessageContaining("expected: package.Service or package.Service/Method");
  }

  @Test
  void serviceWideGrantToAnyApp_isRefused_inCodeConfigAndPolicyFile(@TempDir Path tmp)
      throws Exception {
    assertThatThrownBy(() -> PermissionPolicy.of(Map.of(SVC, List.of("checkout", "app:*"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("grants \"app:*\" to the whole service");
    assertThatThrownBy(
            () ->
                PermissionSettings.from(
                    ConfigLoader.withOverrides(
                        ConfigFactory.parseString(
                            "squadron.permissions.policy { \"%s\" = [\"app:*\"] }"
                                .formatted(SVC)))))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("squadron.permissions.policy")
        .hasMessageContaining(SVC + "/Method");
    Path file = tmp.resolve("policy.conf");
    Files.writeString(file, "policy { \"%s\" = [checkout, \"app:*\"] }".formatted(SVC));
    assertThatThrownBy(() -> PolicyFileWatcher.read(file))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("to the whole service");
    // A named app may be granted a whole service, and app:* a method.
    assertThat(
            PermissionPolicy.of(Map.of(SVC, List.of("app:web"), SVC + "/Shuffle", List.of("app:*")))
                .allows(SHUFFLE, Caller.app("ios")))
        .isTrue();
  }

  @Test
  void interceptorUpdate_swapsThePolicyForNewCalls() {
    var interceptor =
        new PermissionInterceptor(
            PermissionPolicy.denyAll(),
            new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    PermissionPolicy allow = PermissionPolicy.of(Map.of(SVC, List.of("checkout")));

    interceptor.update(allow);

    assertThat(interceptor.policy()).isSameAs(allow);
  }

  @Test
  void anyService_admitsEveryIdentifiedService_neverAnAppOrAnUnknownCaller() {
    PermissionPolicy policy = PermissionPolicy.of(Map.of(SVC + "/Shuffle", List.of("service:*")));
    assertThat(policy.allows(SHUFFLE, new Caller("checkout"))).isTrue();
    assertThat(policy.allows(SHUFFLE, new Caller("a-new-service"))).isTrue();
    assertThat(policy.allows(SHUFFLE, Caller.app("ios"))).isFalse();
    assertThat(policy.allows(SHUFFLE, Caller.UNKNOWN)).isFalse();
  }
}
