package dev.mailbridge.emulator.entra;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.mailbridge.emulator.Endpoint;
import dev.mailbridge.emulator.entra.AppRegistration.AppCertificate;
import dev.mailbridge.emulator.entra.AppRegistration.ClientSecret;
import dev.mailbridge.emulator.entra.EntraContext.TenantRef;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Client authentication at the token endpoint: none for public clients, a secret (form body or
 * HTTP Basic) or a certificate-signed client assertion for confidential ones.
 */
final class ClientAuthenticator {
    static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    /** Clock skew Entra tolerates on assertion nbf/exp. */
    static final Duration SKEW = Duration.ofMinutes(5);

    /** The authenticated client; appidacr 0 = public, 1 = secret, 2 = certificate. */
    record Client(AppRegistration app, Tenant tenant, int appidacr) {}

    private final EntraContext ctx;

    ClientAuthenticator(EntraContext ctx) {
        this.ctx = ctx;
    }

    Client authenticate(EntraRequest r, TenantRef ref, boolean credentialRequired) {
        String clientId = r.formParam("client_id");
        String secret = r.formParam("client_secret");
        String basic = r.header("authorization");
        if (basic != null && basic.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded =
                        new String(Base64.getDecoder().decode(basic.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw EntraErrors.malformed();
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw EntraErrors.malformed();
            }
            String basicId = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
            if (clientId == null) {
                clientId = basicId;
            }
            if (secret == null) {
                secret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
            }
        }
        if (clientId == null || clientId.isBlank()) {
            throw EntraErrors.missingParameter("client_id");
        }
        AppRegistration app = ctx.app(ref, clientId, r.endpoint().cloud());
        Tenant tenant = ctx.tenantOf(app);
        String assertion = r.formParam("client_assertion");
        String assertionType = r.formParam("client_assertion_type");
        boolean presented = secret != null || assertion != null;
        if (app.publicClient) {
            if (presented) {
                throw EntraErrors.publicClientWithCredential();
            }
            if (!credentialRequired) {
                return new Client(app, tenant, 0);
            }
        }
        if (!presented) {
            throw EntraErrors.credentialRequired();
        }
        if (assertion != null) {
            if (assertionType == null) {
                throw EntraErrors.missingParameter("client_assertion_type");
            }
            if (!JWT_BEARER.equals(assertionType)) {
                throw EntraErrors.assertionTypeInvalid();
            }
            verifyAssertion(assertion, app, tenant, ref, r.endpoint());
            return new Client(app, tenant, 2);
        }
        verifySecret(secret, app);
        return new Client(app, tenant, 1);
    }

    private void verifySecret(String secret, AppRegistration app) {
        for (ClientSecret s : app.secrets) {
            if (s.value().equals(secret)) {
                if (s.expires() != null && !s.expires().isAfter(ctx.now())) {
                    throw EntraErrors.clientSecretExpired(app.clientId);
                }
                return;
            }
        }
        throw EntraErrors.invalidClientSecret(app.clientId);
    }

    @SuppressWarnings("deprecation")
    private void verifyAssertion(
            String assertion, AppRegistration app, Tenant tenant, TenantRef ref, Endpoint endpoint) {
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(assertion);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw EntraErrors.invalidAssertion("JWT token is invalid or malformed.");
        }
        JWSHeader header = jwt.getHeader();
        if (!JWSAlgorithm.RS256.equals(header.getAlgorithm()) && !JWSAlgorithm.PS256.equals(header.getAlgorithm())) {
            throw EntraErrors.invalidAssertion(
                    "Unsupported signing algorithm '" + header.getAlgorithm() + "'; use PS256 or RS256.");
        }
        Base64URL s256 = header.getX509CertSHA256Thumbprint();
        Base64URL s1 = header.getX509CertThumbprint();
        if (s256 == null && s1 == null) {
            throw EntraErrors.invalidAssertion("No certificate thumbprint specified in token header.");
        }
        AppCertificate cert = null;
        for (AppCertificate c : app.certificates) {
            // Compare bytes: clients differ in base64 flavour (MSAL4J sends padded standard base64).
            if ((s256 != null
                            && java.util.Arrays.equals(
                                    s256.decode(),
                                    Base64URL.from(c.thumbprintSha256()).decode()))
                    || (s1 != null
                            && java.util.Arrays.equals(
                                    s1.decode(),
                                    Base64URL.from(c.thumbprintSha1()).decode()))) {
                cert = c;
                break;
            }
        }
        String thumbprint = HexFormat.of().withUpperCase().formatHex((s1 != null ? s1 : s256).decode());
        if (cert == null) {
            throw EntraErrors.assertionKeyNotFound(thumbprint, app.clientId);
        }
        Instant now = ctx.now();
        if (cert.certificate().getNotAfter().toInstant().isBefore(now)) {
            throw EntraErrors.assertionBadSignature(thumbprint, "The key used is expired.");
        }
        try {
            if (!jwt.verify(new RSASSAVerifier((RSAPublicKey) cert.certificate().getPublicKey()))) {
                throw EntraErrors.assertionBadSignature(
                        thumbprint, "The key was found, but the signature does not verify with it.");
            }
        } catch (JOSEException e) {
            throw EntraErrors.assertionBadSignature(thumbprint, "The signature could not be verified.");
        }
        if (!app.clientId.equalsIgnoreCase(String.valueOf(claims.getIssuer()))) {
            throw EntraErrors.assertionIssuerMismatch();
        }
        if (!String.valueOf(claims.getIssuer()).equals(claims.getSubject())) {
            throw EntraErrors.assertionSubjectMismatch();
        }
        List<String> accepted = audiences(tenant, ref, endpoint);
        boolean audienceOk =
                claims.getAudience().stream().anyMatch(a -> accepted.stream().anyMatch(a::equalsIgnoreCase));
        if (!audienceOk) {
            throw EntraErrors.assertionAudience(String.join(" ", claims.getAudience()));
        }
        Instant nbf = claims.getNotBeforeTime() == null
                ? null
                : claims.getNotBeforeTime().toInstant();
        Instant exp = claims.getExpirationTime() == null
                ? null
                : claims.getExpirationTime().toInstant();
        if (exp == null || now.isAfter(exp.plus(SKEW)) || (nbf != null && now.isBefore(nbf.minus(SKEW)))) {
            throw EntraErrors.assertionTimeRange(now, nbf, exp);
        }
    }

    /** The token endpoint URL in every form the tenant can be named in (GUID, any domain, as called). */
    private static List<String> audiences(Tenant tenant, TenantRef ref, Endpoint endpoint) {
        List<String> names = new ArrayList<>();
        names.add(tenant.id);
        names.addAll(tenant.domains);
        names.add(ref.ref());
        List<String> out = new ArrayList<>();
        for (String n : names) {
            out.add(endpoint.url("/" + n + "/oauth2/v2.0/token"));
            out.add(endpoint.url("/" + n + "/oauth2/token"));
            out.add(endpoint.url("/" + n + "/v2.0"));
        }
        return out;
    }
}
