package io.squadron.rpc.internal.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.squadron.infra.certs.DevCertificateAuthority;
import io.squadron.infra.certs.DevCerts;
import io.squadron.rpc.config.ConfigLoader;
import io.squadron.rpc.config.InvalidConfigException;
import io.squadron.rpc.security.SpiffeId;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecuritySettingsTest {
  @TempDir Path dir;

  private static SecuritySettings read(String hocon) {
    return SecuritySettings.from(ConfigLoader.withOverrides(ConfigFactory.parseString(hocon)));
  }

  @Test
  void certDir_givesTheFilesOfSquadronCerts() throws Exception {
    DevCerts.generate(dir, List.of("shuffle"));

    SecuritySettings s =
        read("squadron.security { service-name = shuffle, cert-dir = \"%s\" }".formatted(dir));

    assertThat(s.mode()).isEqualTo(SecurityMode.MTLS);
    assertThat(s.tls().orElseThrow())
        .isEqualTo(SecuritySettings.TlsFiles.inDirectory(dir, "shuffle"));
    assertThat(s.appTokens().isEmpty()).isTrue();
  }

  @Test
  void missingServiceName_orFiles_namesTheKey() {
    assertThatThrownBy(() -> read(""))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("squadron.security.service-name");
    assertThatThrownBy(() -> read("squadron.security.service-name = shuffle"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("squadron.security.ca-file");
    assertThatThrownBy(
            () ->
                read(
                    "squadron.security { service-name = shuffle, cert-dir = \"%s\" }"
                        .formatted(dir)))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("not a readable file");
    assertThatThrownBy(() -> read("squadron.security { service-name = shuffle, mode = tls }"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("squadron.security.mode");
  }

  @Test
  void appTokens_areHashes_andAPastedTokenIsNeverEchoed() {
    String hash = AppTokens.sha256Hex("secret-token");
    SecuritySettings s =
        read(
            """
        squadron.security { mode = plaintext-dev, service-name = shuffle
          apps { ios { token-sha256 = "%s" }, "web.beta" { token-sha256 = ["%s"] } } }"""
                .formatted(hash, AppTokens.sha256Hex("other")));

    assertThat(s.appTokens().appFor("secret-token")).contains("ios");
    assertThat(s.appTokens().appFor("other")).contains("web.beta");
    assertThat(s.appTokens().appFor("wrong")).isEmpty();

    assertThatThrownBy(
            () ->
                read(
                    """
        squadron.security { mode = plaintext-dev, service-name = shuffle
          apps.ios.token-sha256 = "secret-token" }"""))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("squadron.security.apps.ios.token-sha256")
        .hasMessageNotContaining("secret-token");
  }

  @Test
  void devCa_issuesSpiffeIdentity_andCertsAreReusedAcrossRuns() throws Exception {
    DevCertificateAuthority first = DevCerts.generate(dir, List.of("shuffle"));
    DevCertificateAuthority second = DevCerts.generate(dir, List.of("checkout"));

    assertThat(second.certificate()).isEqualTo(first.certificate());
    var cert = ServiceTrustManager.readCertificates(dir.resolve("checkout.crt")).get(0);
    assertThat(SpiffeId.service(cert, "squadron")).contains("checkout");
    assertThat(SpiffeId.service(cert, "other")).isEmpty();
    cert.verify(first.certificate().getPublicKey());
  }
}
