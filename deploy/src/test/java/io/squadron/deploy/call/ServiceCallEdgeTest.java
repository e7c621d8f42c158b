package io.squadron.deploy.call;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.MethodDescriptor;
import io.squadron.testkit.service.ServiceExtension;
import io.squadron.testkit.service.TestCertificates;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code squadron call} against the real shuffle service: its API learned from server reflection,
 * although shuffle.proto now imports {@code google/api/annotations.proto} (which imports {@code
 * http.proto} and {@code descriptor.proto}): reflection must send those files too, and the client
 * must build them.
 */
class ServiceCallEdgeTest {
  private static final String SHUFFLE_SERVICE = "squadron.shuffle.v1.ShuffleService";

  /** The field number of the {@code google.api.http} method option. */
  private static final int HTTP_OPTION = 72_295_728;

  @RegisterExtension static final ServiceExtension SHUFFLE = ServiceExtension.forService("shuffle");

  private static ServiceCall asCheckout() {
    return ServiceCall.asIdentity(
        "shuffle",
        List.of(SHUFFLE_SERVICE),
        "127.0.0.1:" + SHUFFLE.port(),
        TestCertificates.shared().dirFor("checkout", "shuffle"),
        "checkout",
        Duration.ofSeconds(20));
  }

  @Test
  void call_learnsTheApiByReflection_withTheGoogleApiImports() {
    try (ServiceCall call = asCheckout()) {
      assertThat(call.describe())
          .containsExactly(SHUFFLE_SERVICE + "/Shuffle {tracks, mode, seed}");
      String answer =
          call.call(
              "Shuffle",
              "{\"tracks\": [{\"trackId\": \"t1\", \"artistId\": \"a\"}], \"seed\": \"5\"}");
      assertThat(answer).contains("\"trackId\": \"t1\"").contains("\"seed\": \"5\"");
    }
  }

  @Test
  void reflection_carriesTheHttpBinding_forOtherLanguageTools() {
    try (ServiceCall call = asCheckout()) {
      MethodDescriptor shuffle =
          new ReflectionResolver(call.channel(), Duration.ofSeconds(20))
              .service(SHUFFLE_SERVICE)
              .findMethodByName("Shuffle");
      assertThat(shuffle.getFile().getDependencies())
          .extracting(f -> f.getName())
          .contains("google/api/annotations.proto");
      assertThat(shuffle.getOptions().getUnknownFields().hasField(HTTP_OPTION)).isTrue();
    }
  }
}
