package io.squadron.infra.certs;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A platform CA for local runs and tests: an ECDSA P-256 root that issues service certificates with
 * {@code spiffe://<trust domain>/<service>} as URI SAN (plus {@code localhost} and {@code
 * 127.0.0.1}), usable for both server and client authentication.
 *
 * <pre>{@code
 * DevCertificateAuthority ca = DevCertificateAuthority.create("squadron dev CA");
 * IssuedCertificate shuffle = ca.issue("shuffle");
 * }</pre>
 */
public final class DevCertificateAuthority {
  /** How long issued certificates are valid by default. */
  public static final Duration DEFAULT_VALIDITY = Duration.ofDays(365);

  private static final String SIGNATURE = "SHA256withECDSA";

  private final X509Certificate certificate;
  private final PrivateKey privateKey;
  private final String trustDomain;
  private final SecureRandom random = new SecureRandom();

  private DevCertificateAuthority(
      X509Certificate certificate, PrivateKey privateKey, String trustDomain) {
    this.certificate = certificate;
    this.privateKey = privateKey;
    this.trustDomain = trustDomain;
  }

  /** A new CA in the default trust domain, valid for ten years from now. */
  public static DevCertificateAuthority create(String commonName) {
    return create(commonName, SpiffeUri.DEFAULT_TRUST_DOMAIN);
  }

  /** A new CA issuing identities in {@code trustDomain}, valid for ten years from now. */
  public static DevCertificateAuthority create(String commonName, String trustDomain) {
    requireNonNull(commonName, "commonName");
    requireNonNull(trustDomain, "trustDomain");
    SpiffeUri.of(trustDomain, "ca"); // validates the trust domain
    try {
      KeyPair keys = newKeyPair();
      X500Name name = new X500Name("CN=" + commonName);
      Instant now = Instant.now();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              name,
              serial(new SecureRandom()),
              Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(Duration.ofDays(3650))),
              name,
              keys.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      builder.addExtension(
          Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
      X509Certificate cert = sign(builder, keys.getPrivate());
      return new DevCertificateAuthority(cert, keys.getPrivate(), trustDomain);
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot create a CA", e);
    }
  }

  /**
   * Loads a CA written by {@link #writeTo(Path)}: {@code ca.crt} and {@code ca.key} in {@code dir}.
   */
  public static DevCertificateAuthority load(Path dir, String trustDomain) throws IOException {
    requireNonNull(dir, "dir");
    requireNonNull(trustDomain, "trustDomain");
    return new DevCertificateAuthority(
        Pem.readCertificate(dir.resolve(DevCerts.CA_CERT)),
        Pem.readPrivateKey(dir.resolve(DevCerts.CA_KEY)),
        trustDomain);
  }

  /** The CA certificate (what servers and clients trust). */
  public X509Certificate certificate() {
    return certificate;
  }

  /**
   * A certificate for {@code service}, valid from five minutes ago for {@link #DEFAULT_VALIDITY}.
   */
  public IssuedCertificate issue(String service) {
    Instant now = Instant.now();
    return issue(service, now.minus(Duration.ofMinutes(5)), now.plus(DEFAULT_VALIDITY));
  }

  /**
   * A certificate for {@code service} valid between the given instants (tests issue expired ones
   * this way).
   */
  public IssuedCertificate issue(String service, Instant notBefore, Instant notAfter) {
    String spiffeId = SpiffeUri.of(trustDomain, service);
    requireNonNull(notBefore, "notBefore");
    requireNonNull(notAfter, "notAfter");
    if (!notAfter.isAfter(notBefore)) {
      throw new IllegalArgumentException(
          "notAfter: " + notAfter + " (expected: after notBefore " + notBefore + ")");
    }
    try {
      KeyPair keys = newKeyPair();
      PublicKey publicKey = keys.getPublic();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              certificate,
              serial(random),
              Date.from(notBefore),
              Date.from(notAfter),
              new X500Name("CN=" + service),
              publicKey);
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
      builder.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              new GeneralName[] {
                new GeneralName(GeneralName.uniformResourceIdentifier, spiffeId),
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1")
              }));
      builder.addExtension(
          Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(publicKey));
      builder.addExtension(
          Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
      return new IssuedCertificate(sign(builder, privateKey), keys.getPrivate());
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot issue a certificate for " + service, e);
    }
  }

  /** Writes {@code ca.crt} and {@code ca.key} into {@code dir}. */
  public void writeTo(Path dir) throws IOException {
    Pem.writeCertificate(dir.resolve(DevCerts.CA_CERT), certificate);
    Pem.writePrivateKey(dir.resolve(DevCerts.CA_KEY), privateKey);
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static BigInteger serial(SecureRandom random) {
    return new BigInteger(127, random).add(BigInteger.ONE);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
      throws OperatorCreationException, GeneralSecurityException {
    ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE).build(key);
    return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
  }
}
