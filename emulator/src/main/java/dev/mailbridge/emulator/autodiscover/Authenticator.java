package dev.mailbridge.emulator.autodiscover;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.mailbridge.emulator.Cloud;
import dev.mailbridge.emulator.EmulatorClock;
import dev.mailbridge.emulator.Endpoint;
import dev.mailbridge.emulator.entra.EntraDirectory;
import dev.mailbridge.emulator.entra.EntraService;
import dev.mailbridge.emulator.entra.EntraUser;
import dev.mailbridge.emulator.entra.Tenant;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Authenticates SOAP and POX requests the way Exchange does: Basic for Exchange Server (onprem)
 * users, Bearer access tokens from the Entra emulator for Exchange Online tenants. Basic against an
 * Exchange Online user is refused (Microsoft turned it off in 2022).
 *
 * <p>Bearer tokens are checked as Exchange Online checks them: RS256 signature by the Entra
 * emulator's signing key, lifetime, audience (the cloud's Exchange resource), tenant and issuer,
 * and either the delegated EWS.AccessAsUser.All scope of an existing, enabled user or the
 * full_access_as_app role.
 */
final class Authenticator {
    /** Who is calling: a user, or an app (app-only token). */
    record Caller(Tenant tenant, EntraUser user, String appId) {}

    private final EntraService entra;
    private final EntraDirectory directory;
    private final EmulatorClock clock;

    Authenticator(EntraService entra, EmulatorClock clock) {
        this.entra = entra;
        this.directory = entra.directory();
        this.clock = clock;
    }

    /** The caller, or null when the Authorization header is missing or not accepted. */
    Caller authenticate(String authorization, Endpoint endpoint) {
        if (authorization == null) {
            return null;
        }
        String header = authorization.strip();
        int space = header.indexOf(' ');
        if (space < 0) {
            return null;
        }
        String scheme = header.substring(0, space).toLowerCase(Locale.ROOT);
        String value = header.substring(space + 1).strip();
        return switch (scheme) {
            case "basic" -> basic(value);
            case "bearer" -> bearer(value, endpoint);
            default -> null;
        };
    }

    private Caller basic(String value) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        String name = decoded.substring(0, colon);
        String password = decoded.substring(colon + 1);
        Mailbox mailbox = Mailbox.resolve(directory, name);
        if (mailbox == null || !name.equalsIgnoreCase(mailbox.user().upn())) {
            // DOMAIN\\user and other name forms are not emulated: the UPN is the user name
            return null;
        }
        if (mailbox.tenant().online() || mailbox.user().disabled()) {
            return null;
        }
        if (password.isEmpty() || !password.equals(mailbox.user().password())) {
            return null;
        }
        return new Caller(mailbox.tenant(), mailbox.user(), null);
    }

    private Caller bearer(String token, Endpoint endpoint) {
        JWTClaimsSet claims;
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())
                    || !jwt.verify(new RSASSAVerifier(entra.tokenSigningKey()))) {
                return null;
            }
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException | JOSEException | RuntimeException e) {
            return null;
        }
        String tid = string(claims, "tid");
        Tenant tenant = tid == null ? null : directory.tenant(tid);
        if (tenant == null || !tenant.online() || tenant.cloud() != endpoint.cloud()) {
            return null;
        }
        String iss = claims.getIssuer();
        if (iss == null || !iss.endsWith("/" + tenant.id() + "/v2.0")) {
            return null;
        }
        if (!audienceOk(claims.getAudience(), endpoint.cloud())) {
            return null;
        }
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        Date nbf = claims.getNotBeforeTime();
        if (exp == null
                || !exp.toInstant().isAfter(now)
                || (nbf != null && nbf.toInstant().isAfter(now.plusSeconds(300)))) {
            return null;
        }
        String upn = string(claims, "upn");
        String appId = string(claims, "appid");
        if (upn == null) {
            Object roles = claims.getClaim("roles");
            boolean fullAccess =
                    roles instanceof List<?> list && list.stream().anyMatch(r -> "full_access_as_app".equals(r));
            return fullAccess ? new Caller(tenant, null, appId) : null;
        }
        EntraUser user;
        try {
            user = directory.user(tenant.id(), upn);
        } catch (IllegalArgumentException e) {
            return null;
        }
        Date iat = claims.getIssueTime();
        if (user.disabled() || (iat != null && iat.toInstant().plusSeconds(1).isBefore(user.tokensValidFrom()))) {
            return null;
        }
        return new Caller(tenant, user, appId);
    }

    private static boolean audienceOk(List<String> audience, Cloud cloud) {
        if (audience == null) {
            return false;
        }
        Set<String> ok = Set.of(
                cloud.exchangeResource(),
                cloud.exchangeResource() + "/",
                cloud.outlookDelegatedResource(),
                cloud.outlookDelegatedResource() + "/",
                Cloud.EXCHANGE_APP_ID);
        return audience.stream().anyMatch(a -> ok.contains(a.toLowerCase(Locale.ROOT)) || ok.contains(a));
    }

    private static String string(JWTClaimsSet claims, String name) {
        Object v = claims.getClaim(name);
        return v instanceof String s ? s : null;
    }
}
