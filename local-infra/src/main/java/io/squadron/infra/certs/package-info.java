/**
 * A development certificate authority: {@link io.squadron.infra.certs.DevCertificateAuthority}
 * creates a platform CA and issues one certificate per service carrying {@code
 * spiffe://squadron/<service>} as a URI SAN; {@link io.squadron.infra.certs.DevCerts} writes them
 * into a directory for local runs and tests ({@code ./squadron certs}). Production uses any CA
 * whose certificates carry the same URI SAN.
 */
package io.squadron.infra.certs;
