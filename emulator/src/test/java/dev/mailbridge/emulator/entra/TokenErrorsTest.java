package dev.mailbridge.emulator.entra;

import static dev.mailbridge.emulator.entra.EntraFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.mailbridge.emulator.Cloud;
import dev.mailbridge.emulator.entra.AppRegistration.AppCertificate;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Every token-endpoint error produced for real over HTTPS, in Entra's exact shape. */
class TokenErrorsTest extends EntraEmulatorTest {
    static final String FORM = "application/x-www-form-urlencoded";
    static final String CORRELATION = "11112222-3333-4444-5555-666677778888";

    static String tokenUrl(String tenant) {
        return base(emulator) + "/" + tenant + "/oauth2/v2.0/token";
    }

    static HttpResponse<String> token(String tenant, Map<String, String> fields) throws Exception {
        return postForm(emulator, tokenUrl(tenant), form(fields), FORM);
    }

    static Map<String, String> cc(String clientId, String secret, String scope) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("grant_type", "client_credentials");
        m.put("client_id", clientId);
        if (secret != null) {
            m.put("client_secret", secret);
        }
        m.put("scope", scope);
        return m;
    }

    /** Asserts Entra's error envelope and returns it. */
    static JsonNode assertError(HttpResponse<String> response, int status, String error, int code) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store, no-cache");
        assertThat(response.headers().firstValue("client-request-id")).hasValue(CORRELATION);
        JsonNode body = json(response);
        assertThat(body.path("error").asText()).as(response.body()).isEqualTo(error);
        assertThat(body.path("error_codes")).hasSize(1);
        assertThat(body.path("error_codes").get(0).asInt()).as(response.body()).isEqualTo(code);
        assertThat(body.path("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ");
        assertThat(body.path("trace_id").asText()).matches("[0-9a-f-]{36}");
        assertThat(response.headers().firstValue("x-ms-request-id"))
                .hasValue(body.path("trace_id").asText());
        assertThat(body.path("correlation_id").asText()).isEqualTo(CORRELATION);
        assertThat(body.path("error_uri").asText()).isEqualTo("https://login.microsoftonline.com/error?code=" + code);
        assertThat(body.path("error_description").asText())
                .startsWith("AADSTS" + code + ": ")
                .endsWith(" Trace ID: " + body.path("trace_id").asText() + " Correlation ID: " + CORRELATION
                        + " Timestamp: " + body.path("timestamp").asText());
        return body;
    }

    // --- tenants, clouds, clients ------------------------------------------------------------

    @Test
    void unknownTenantIs90002() throws Exception {
        JsonNode body = assertError(
                token("nowhere.onmicrosoft.com", cc(WEB_APP, WEB_SECRET, "https://graph.microsoft.com/.default")),
                400,
                "invalid_request",
                90002);
        assertThat(body.path("error_description").asText())
                .startsWith(
                        "AADSTS90002: Tenant 'nowhere.onmicrosoft.com' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.");
    }

    @Test
    void onPremisesOrganisationIsNotAnEntraTenant() throws Exception {
        assertError(
                token(ONPREM_DOMAIN, cc(WEB_APP, WEB_SECRET, "https://graph.microsoft.com/.default")),
                400,
                "invalid_request",
                90002);
    }

    @Test
    void gccHighTenantOnTheGlobalListenerIs90002AndItsAppIs700016() throws Exception {
        assertError(
                token(GOV_TENANT, cc(GOV_APP, GOV_SECRET, "https://graph.microsoft.us/.default")),
                400,
                "invalid_request",
                90002);
        Map<String, String> device = Map.of("client_id", GOV_APP, "scope", "openid");
        JsonNode body = assertError(
                postForm(emulator, base(emulator) + "/organizations/oauth2/v2.0/devicecode", form(device), FORM),
                400,
                "unauthorized_client",
                700016);
        assertThat(body.path("error_description").asText())
                .startsWith("AADSTS700016: Application with identifier '" + GOV_APP
                        + "' was not found in the directory 'organizations'.");
    }

    @Test
    void gccHighWorksOnItsOwnListenerWithItsOwnResources() throws Exception {
        String url = base(emulator, Cloud.USGOV) + "/" + GOV_TENANT + "/oauth2/v2.0/token";
        HttpResponse<String> ok =
                postForm(emulator, url, form(cc(GOV_APP, GOV_SECRET, "https://graph.microsoft.us/.default")), FORM);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        JWTClaimsSet at = claims(json(ok).path("access_token").asText());
        assertThat(at.getAudience()).containsExactly("https://graph.microsoft.us");
        assertThat(at.getIssuer()).isEqualTo(base(emulator, Cloud.USGOV) + "/" + GOV_TENANT + "/v2.0");
        // The global cloud's Graph is unknown in GCC High.
        HttpResponse<String> wrong =
                postForm(emulator, url, form(cc(GOV_APP, GOV_SECRET, "https://graph.microsoft.com/.default")), FORM);
        assertThat(wrong.statusCode()).isEqualTo(400);
        JsonNode body = json(wrong);
        assertThat(body.path("error").asText()).isEqualTo("invalid_resource");
        assertThat(body.path("error_codes").get(0).asInt()).isEqualTo(500011);
        assertThat(body.path("error_uri").asText()).isEqualTo("https://login.microsoftonline.us/error?code=500011");
    }

    @Test
    void resourceOfAnotherCloudIs500011() throws Exception {
        JsonNode body = assertError(
                token(TENANT, cc(WEB_APP, WEB_SECRET, "https://graph.microsoft.us/.default")),
                400,
                "invalid_resource",
                500011);
        assertThat(body.path("error_description").asText())
                .startsWith(
                        "AADSTS500011: The resource principal named https://graph.microsoft.us was not found in the tenant named Contoso.");
    }

    @Test
    void unknownClientIs700016() throws Exception {
        String unknown = UUID.randomUUID().toString();
        JsonNode body = assertError(
                token(DOMAIN, cc(unknown, "x", "https://graph.microsoft.com/.default")),
                400,
                "unauthorized_client",
                700016);
        assertThat(body.path("error_description").asText())
                .contains("'" + unknown + "' was not found in the directory 'Contoso'");
    }

    @Test
    void consumersIsNotForWorkAccounts() throws Exception {
        Map<String, String> device = Map.of("client_id", PUBLIC_APP, "scope", "openid");
        JsonNode body = assertError(
                postForm(emulator, base(emulator) + "/consumers/oauth2/v2.0/devicecode", form(device), FORM),
                400,
                "unauthorized_client",
                700016);
        assertThat(body.path("error_description").asText()).contains("directory 'Microsoft Accounts'");
    }

    // --- client authentication -----------------------------------------------------------------

    @Test
    void wrongSecretIs7000215With401() throws Exception {
        JsonNode body = assertError(
                token(
                        TENANT,
                        cc(WEB_APP, "c0a7c0a7-0000-4000-8000-0000000005e1", "https://graph.microsoft.com/.default")),
                401,
                "invalid_client",
                7000215);
        assertThat(body.path("error_description").asText())
                .startsWith(
                        "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '"
                                + WEB_APP + "'.");
    }

    @Test
    void expiredSecretIs7000222() throws Exception {
        var secret = emulator.entra()
                .directory()
                .addSecret(TENANT, WEB_APP, null, Instant.now().plus(Duration.ofDays(1)));
        assertThat(token(TENANT, cc(WEB_APP, secret.value(), "https://graph.microsoft.com/.default"))
                        .statusCode())
                .isEqualTo(200);
        emulator.clock().advance(Duration.ofDays(2));
        JsonNode body = assertError(
                token(TENANT, cc(WEB_APP, secret.value(), "https://graph.microsoft.com/.default")),
                401,
                "invalid_client",
                7000222);
        assertThat(body.path("error_description").asText())
                .startsWith("AADSTS7000222: The provided client secret keys for app '" + WEB_APP + "' are expired.");
    }

    @Test
    void secretInHttpBasicWorks() throws Exception {
        String basic = Base64.getEncoder()
                .encodeToString((WEB_APP + ":" + java.net.URLEncoder.encode(WEB_SECRET, StandardCharsets.UTF_8))
                        .getBytes(StandardCharsets.UTF_8));
        HttpClient http =
                HttpClient.newBuilder().sslContext(emulator.sslContext()).build();
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(tokenUrl(TENANT)))
                        .header("Content-Type", FORM)
                        .header("Authorization", "Basic " + basic)
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "grant_type=client_credentials&scope=https%3A%2F%2Foutlook.office365.com%2F.default"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.path("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.path("expires_in").asInt()).isEqualTo(3599);
        assertThat(body.path("ext_expires_in").asInt()).isEqualTo(3599);
        assertThat(body.has("refresh_token")).isFalse();
    }

    @Test
    void publicClientSendingASecretIs700025() throws Exception {
        Map<String, String> m = new LinkedHashMap<>(Map.of(
                "grant_type", "refresh_token", "client_id", PUBLIC_APP, "client_secret", "x", "refresh_token", "abc"));
        assertError(token(TENANT, m), 401, "invalid_client", 700025);
    }

    @Test
    void confidentialClientWithoutCredentialIs7000218() throws Exception {
        Map<String, String> m = Map.of("grant_type", "refresh_token", "client_id", WEB_APP, "refresh_token", "abc");
        assertError(token(TENANT, m), 401, "invalid_client", 7000218);
    }

    @Test
    void assertionOutsideItsTimeRangeIs700024() throws Exception {
        AppCertificate cert =
                emulator.entra().directory().app(TENANT, WEB_APP).certificates().get(0);
        Instant issued = Instant.now().minus(Duration.ofHours(2));
        String assertion = assertion(cert, tokenUrl(TENANT), issued, issued.plus(Duration.ofMinutes(10)));
        Map<String, String> m = new LinkedHashMap<>(cc(WEB_APP, null, "https://graph.microsoft.com/.default"));
        m.put("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        m.put("client_assertion", assertion);
        JsonNode body = assertError(token(TENANT, m), 401, "invalid_client", 700024);
        assertThat(body.path("error_description").asText())
                .matches(
                        "AADSTS700024: Client assertion is not within its valid time range\\. Current time: \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{7}Z, assertion valid from \\d{4}-.{22}Z, expiry time of assertion \\d{4}-.{22}Z\\. .*");
        // The same assertion shape, fresh, with the domain form of the audience, is accepted.
        String fresh = assertion(
                cert,
                base(emulator) + "/" + DOMAIN + "/oauth2/v2.0/token",
                Instant.now(),
                Instant.now().plusSeconds(600));
        m.put("client_assertion", fresh);
        assertThat(token(TENANT, m).statusCode()).isEqualTo(200);
        // ...but not with another audience.
        m.put(
                "client_assertion",
                assertion(
                        cert,
                        "https://login.microsoftonline.com/" + TENANT + "/oauth2/v2.0/token",
                        Instant.now(),
                        Instant.now().plusSeconds(600)));
        assertError(token(TENANT, m), 401, "invalid_client", 50027);
    }

    static String assertion(AppCertificate cert, String aud, Instant nbf, Instant exp) throws Exception {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.PS256)
                .type(JOSEObjectType.JWT)
                .x509CertSHA256Thumbprint(Base64URL.from(cert.thumbprintSha256()))
                .build();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .audience(aud)
                .issuer(WEB_APP)
                .subject(WEB_APP)
                .jwtID(UUID.randomUUID().toString())
                .notBeforeTime(Date.from(nbf))
                .issueTime(Date.from(nbf))
                .expirationTime(Date.from(exp))
                .build();
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(new RSASSASigner(cert.privateKey()));
        return jwt.serialize();
    }

    // --- bad input -------------------------------------------------------------------------------

    @Test
    void missingGrantTypeIs900144() throws Exception {
        JsonNode body = assertError(
                postForm(emulator, tokenUrl(TENANT), "client_id=" + WEB_APP, FORM), 400, "invalid_request", 900144);
        assertThat(body.path("error_description").asText())
                .startsWith("AADSTS900144: The request body must contain the following parameter: 'grant_type'.");
    }

    @Test
    void jsonBodyIsNotAForm() throws Exception {
        assertError(
                postForm(emulator, tokenUrl(TENANT), "{\"grant_type\":\"client_credentials\"}", "application/json"),
                400,
                "invalid_request",
                900144);
    }

    @Test
    void garbageBodiesGetEntrasShape() throws Exception {
        assertError(
                postForm(emulator, tokenUrl(TENANT), "grant_type=%zz&&&===", FORM), 400, "invalid_request", 9002313);
        assertError(
                postForm(emulator, tokenUrl(TENANT), "\u0000\u0001binary\uFFFD", FORM), 400, "invalid_request", 900144);
        String huge = "grant_type=client_credentials&scope=" + "a".repeat(1_100_000);
        assertError(postForm(emulator, tokenUrl(TENANT), huge, FORM), 400, "invalid_request", 9002313);
        String longScope = "grant_type=client_credentials&client_id=" + WEB_APP + "&client_secret=" + WEB_SECRET
                + "&scope=" + "b".repeat(200_000);
        assertError(postForm(emulator, tokenUrl(TENANT), longScope, FORM), 400, "invalid_scope", 1002012);
    }

    @Test
    void getOnTheTokenEndpointIs900561() throws Exception {
        HttpClient http =
                HttpClient.newBuilder().sslContext(emulator.sslContext()).build();
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(tokenUrl(TENANT) + "?grant_type=client_credentials"))
                        .header("client-request-id", CORRELATION)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(response, 400, "invalid_request", 900561);
    }

    @Test
    void unknownGrantTypeIsUnsupported() throws Exception {
        assertError(
                token(TENANT, Map.of("grant_type", "password", "client_id", PUBLIC_APP)),
                400,
                "unsupported_grant_type",
                70003);
    }

    // --- client credentials scopes -------------------------------------------------------------

    @Test
    void clientCredentialsScopeRules() throws Exception {
        JsonNode two = assertError(
                token(
                        TENANT,
                        cc(
                                WEB_APP,
                                WEB_SECRET,
                                "https://graph.microsoft.com/.default https://outlook.office365.com/.default")),
                400,
                "invalid_scope",
                70011);
        assertThat(two.path("error_description").asText())
                .startsWith(
                        "AADSTS70011: The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope https://graph.microsoft.com/.default https://outlook.office365.com/.default is not valid.");
        assertError(
                token(TENANT, cc(WEB_APP, WEB_SECRET, "https://graph.microsoft.com/Mail.Read")),
                400,
                "invalid_scope",
                1002012);
        assertError(
                token("common", cc(WEB_APP, WEB_SECRET, "https://graph.microsoft.com/.default")),
                400,
                "invalid_request",
                9001023);
        // An app without admin consent gets no app-only token (a token without roles is useless).
        assertError(
                token(TENANT, cc(CONSENT_APP, CONSENT_SECRET, "https://graph.microsoft.com/.default")),
                400,
                "invalid_grant",
                501051);
    }

    // --- authorization code and refresh ----------------------------------------------------------

    /** Signs Adele in for the web app and returns the code. */
    static String code(String clientId, String scope, String upn, String password, String challenge) throws Exception {
        String url = base(emulator) + "/" + TENANT + "/oauth2/v2.0/authorize?client_id=" + clientId
                + "&response_type=code&redirect_uri=" + enc(CALLBACK) + "&scope=" + enc(scope) + "&state=xyz"
                + (challenge == null ? "" : "&code_challenge=" + challenge + "&code_challenge_method=S256");
        Browser browser = new Browser(emulator, base(emulator));
        HttpResponse<String> result = browser.signIn(browser.get(url), upn, password);
        if (result.body().contains("name=\"accept\"")) {
            result = browser.submit(result, Map.of("accept", "yes"));
        }
        return query(Browser.location(result)).get("code");
    }

    static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static Map<String, String> redeem(String code, String verifier, String redirect) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("grant_type", "authorization_code");
        m.put("client_id", WEB_APP);
        m.put("client_secret", WEB_SECRET);
        m.put("code", code);
        m.put("redirect_uri", redirect);
        m.put("scope", EWS + " offline_access openid");
        if (verifier != null) {
            m.put("code_verifier", verifier);
        }
        return m;
    }

    static Map<String, String> refresh(String rt, String scope) {
        return new LinkedHashMap<>(Map.of(
                "grant_type",
                "refresh_token",
                "client_id",
                WEB_APP,
                "client_secret",
                WEB_SECRET,
                "refresh_token",
                rt,
                "scope",
                scope));
    }

    @Test
    void codeIsSingleUse54005() throws Exception {
        String code = code(WEB_APP, EWS + " offline_access", ADELE, ADELE_PW, null);
        HttpResponse<String> first = token(TENANT, redeem(code, null, CALLBACK));
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        JsonNode ok = json(first);
        assertThat(ok.path("refresh_token").asText()).isNotBlank();
        assertThat(ok.path("id_token").asText()).isNotBlank();
        assertThat(ok.path("scope").asText()).contains(EWS, "openid", "offline_access");
        JsonNode body = assertError(token(TENANT, redeem(code, null, CALLBACK)), 400, "invalid_grant", 54005);
        assertThat(body.path("error_description").asText())
                .startsWith(
                        "AADSTS54005: OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.");
    }

    @Test
    void pkceMismatchIs501481() throws Exception {
        String verifier = "ThisIsntRandomButItNeedsToBe43CharactersLong";
        String challenge = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        String code = code(WEB_APP, EWS, ADELE, ADELE_PW, challenge);
        assertError(token(TENANT, redeem(code, verifier + "x", CALLBACK)), 400, "invalid_grant", 501481);
        String code2 = code(WEB_APP, EWS, ADELE, ADELE_PW, challenge);
        assertThat(token(TENANT, redeem(code2, verifier, CALLBACK)).statusCode())
                .isEqualTo(200);
    }

    @Test
    void redirectUriMustBeRegisteredAndTheSame() throws Exception {
        String code = code(WEB_APP, EWS, ADELE, ADELE_PW, null);
        assertError(token(TENANT, redeem(code, null, "https://evil.example/cb")), 400, "invalid_request", 50011);
        JsonNode body = assertError(
                token(TENANT, redeem(code, null, "https://localhost:8080/oauth2/callback")),
                400,
                "invalid_grant",
                500112);
        assertThat(body.path("error_description").asText())
                .startsWith(
                        "AADSTS500112: The reply address 'https://localhost:8080/oauth2/callback' does not match the reply address '"
                                + CALLBACK + "' provided when requesting Authorization code.");
    }

    static String refreshTokenFor(String upn, String password) throws Exception {
        String code = code(WEB_APP, EWS + " offline_access", upn, password, null);
        HttpResponse<String> response = token(TENANT, redeem(code, null, CALLBACK));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response).path("refresh_token").asText();
    }

    @Test
    void refreshRotatesWithoutRevokingAndExpiresAfter90DaysOfInactivity() throws Exception {
        String rt1 = refreshTokenFor(ADELE, ADELE_PW);
        HttpResponse<String> r2 = token(TENANT, refresh(rt1, EWS + " offline_access"));
        assertThat(r2.statusCode()).isEqualTo(200);
        String rt2 = json(r2).path("refresh_token").asText();
        assertThat(rt2).isNotEqualTo(rt1);
        // The old one still works: Entra does not revoke it.
        assertThat(token(TENANT, refresh(rt1, EWS)).statusCode()).isEqualTo(200);
        emulator.clock().advance(Duration.ofDays(60));
        HttpResponse<String> r3 = token(TENANT, refresh(rt2, "https://graph.microsoft.com/Mail.Read offline_access"));
        assertThat(r3.statusCode()).isEqualTo(200);
        String rt3 = json(r3).path("refresh_token").asText();
        emulator.clock().advance(Duration.ofDays(31));
        JsonNode body = assertError(token(TENANT, refresh(rt2, EWS)), 400, "invalid_grant", 700082);
        assertThat(body.path("suberror").asText()).isEqualTo("bad_token");
        assertThat(body.path("error_description").asText())
                .matches(
                        "AADSTS700082: The refresh token has expired due to inactivity\\. The token was issued on \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{7}Z and was inactive for 90\\.00:00:00\\. Trace ID: .*");
        // The newest one, issued 31 days ago, still works.
        assertThat(token(TENANT, refresh(rt3, EWS)).statusCode()).isEqualTo(200);
    }

    @Test
    void revokedSessionsAndPasswordChangeAre50173() throws Exception {
        EntraDirectory directory = emulator.entra().directory();
        directory.createUser(
                TENANT, JSON.readTree("{\"upn\":\"revoke.me@contoso.onmicrosoft.com\",\"password\":\"Pw-1\"}"));
        String rt = refreshTokenFor("revoke.me@contoso.onmicrosoft.com", "Pw-1");
        emulator.clock().advance(Duration.ofSeconds(5));
        directory.revokeSessions(TENANT, "revoke.me@contoso.onmicrosoft.com");
        JsonNode body = assertError(token(TENANT, refresh(rt, EWS)), 400, "invalid_grant", 50173);
        assertThat(body.path("error_description").asText())
                .matches(
                        "AADSTS50173: The provided grant has expired due to it being revoked, a fresh auth token is needed\\. The user might have changed or reset their password\\. The grant was issued on '\\d{4}-.{22}Z' and the TokensValidFrom date \\(before which tokens are not valid\\) for this user is '\\d{4}-.{22}Z'\\. Trace ID: .*");

        String rt2 = refreshTokenFor("revoke.me@contoso.onmicrosoft.com", "Pw-1");
        emulator.clock().advance(Duration.ofSeconds(5));
        directory.setPassword(TENANT, "revoke.me@contoso.onmicrosoft.com", "Pw-2");
        assertError(token(TENANT, refresh(rt2, EWS)), 400, "invalid_grant", 50173);
    }

    @Test
    void userStateSurfacesOnRefresh() throws Exception {
        EntraDirectory directory = emulator.entra().directory();
        String upn = "flags@contoso.onmicrosoft.com";
        directory.createUser(TENANT, JSON.readTree("{\"upn\":\"" + upn + "\",\"password\":\"Pw-1\"}"));
        String rt = refreshTokenFor(upn, "Pw-1");
        directory.patchUser(TENANT, upn, JSON.readTree("{\"mfaRequired\":true}"));
        JsonNode mfa = assertError(token(TENANT, refresh(rt, EWS)), 400, "invalid_grant", 50076);
        assertThat(mfa.path("suberror").asText()).isEqualTo("basic_action");
        assertThat(mfa.path("error_description").asText())
                .contains("you must use multi-factor authentication to access '00000002-0000-0ff1-ce00-000000000000'");
        directory.patchUser(TENANT, upn, JSON.readTree("{\"mfaRequired\":false,\"blockedByConditionalAccess\":true}"));
        assertError(token(TENANT, refresh(rt, EWS)), 400, "invalid_grant", 53003);
        directory.patchUser(TENANT, upn, JSON.readTree("{\"blockedByConditionalAccess\":false,\"disabled\":true}"));
        assertError(token(TENANT, refresh(rt, EWS)), 400, "invalid_grant", 50057);
        directory.patchUser(TENANT, upn, JSON.readTree("{\"disabled\":false}"));
        assertThat(token(TENANT, refresh(rt, EWS)).statusCode()).isEqualTo(200);
        // Revoked admin consent: the delegated permissions are no longer granted (65001).
        directory.revokeAdminConsent(TENANT, WEB_APP);
        try {
            JsonNode consent = assertError(token(TENANT, refresh(rt, EWS)), 400, "invalid_grant", 65001);
            assertThat(consent.path("suberror").asText()).isEqualTo("consent_required");
            assertThat(consent.path("error_description").asText())
                    .startsWith(
                            "AADSTS65001: The user or administrator has not consented to use the application with ID '"
                                    + WEB_APP + "' named 'Mailbridge Connector'.");
        } finally {
            directory.grantAdminConsent(TENANT, WEB_APP);
        }
    }

    @Test
    void unknownScopeIs70011AndSeveralResourcesAre28000() throws Exception {
        String rt = refreshTokenFor(ADELE, ADELE_PW);
        assertError(
                token(TENANT, refresh(rt, "https://graph.microsoft.com/Nope.Nothing")), 400, "invalid_scope", 70011);
        assertError(
                token(TENANT, refresh(rt, EWS + " https://graph.microsoft.com/Mail.Read")),
                400,
                "invalid_request",
                28000);
        assertError(token(TENANT, refresh(rt, "https://example.com/x")), 400, "invalid_resource", 500011);
        assertError(token(TENANT, refresh("not-a-token", EWS)), 400, "invalid_grant", 9002313);
    }

    // --- device code ---------------------------------------------------------------------------

    @Test
    void deviceCodePollingStates() throws Exception {
        String url = base(emulator) + "/organizations/oauth2/v2.0/devicecode";
        JsonNode dc = json(
                postForm(emulator, url, form(Map.of("client_id", PUBLIC_APP, "scope", EWS + " offline_access")), FORM));
        Map<String, String> poll = Map.of(
                "grant_type",
                "urn:ietf:params:oauth:grant-type:device_code",
                "client_id",
                PUBLIC_APP,
                "device_code",
                dc.path("device_code").asText());
        assertError(token("organizations", poll), 400, "authorization_pending", 70016);
        assertError(token("organizations", poll), 400, "slow_down", 70016);
        emulator.clock().advance(Duration.ofSeconds(10));
        assertError(token("organizations", poll), 400, "authorization_pending", 70016);
        emulator.clock().advance(Duration.ofMinutes(16));
        assertError(token("organizations", poll), 400, "expired_token", 70020);
        Map<String, String> bad = Map.of(
                "grant_type",
                "urn:ietf:params:oauth:grant-type:device_code",
                "client_id",
                PUBLIC_APP,
                "device_code",
                "nope");
        assertError(token("organizations", bad), 400, "bad_verification_code", 70018);
        Map<String, String> confidential = Map.of(
                "grant_type",
                "urn:ietf:params:oauth:grant-type:device_code",
                "client_id",
                WEB_APP,
                "device_code",
                "nope");
        assertError(token(TENANT, confidential), 401, "invalid_client", 7000218);
    }

    @Test
    void deviceCodeDeclined() throws Exception {
        String url = base(emulator) + "/" + TENANT + "/oauth2/v2.0/devicecode";
        JsonNode dc = json(postForm(emulator, url, form(Map.of("client_id", PUBLIC_APP, "scope", EWS)), FORM));
        Browser browser = new Browser(emulator, base(emulator));
        HttpResponse<String> entry = browser.get(dc.path("verification_uri").asText());
        HttpResponse<String> wrong = browser.submit(entry, Map.of("otc", "WRONGCODE"));
        assertThat(wrong.body()).contains("That code didn&#39;t work.");
        HttpResponse<String> signIn =
                browser.submit(entry, Map.of("otc", dc.path("user_code").asText()));
        HttpResponse<String> confirm = browser.signIn(signIn, ADELE, ADELE_PW);
        browser.submit(confirm, Map.of("accept", "no"));
        Map<String, String> poll = Map.of(
                "grant_type",
                "device_code",
                "client_id",
                PUBLIC_APP,
                "device_code",
                dc.path("device_code").asText());
        assertError(token(TENANT, poll), 400, "authorization_declined", 70000);
    }

    @Test
    void listOfTokenResponseFieldsForAUser() throws Exception {
        String code = code(WEB_APP, EWS + " offline_access openid profile email", ADELE, ADELE_PW, null);
        Map<String, String> m = redeem(code, null, CALLBACK);
        m.put("scope", EWS + " offline_access openid profile email");
        m.put("client_info", "1");
        JsonNode body = json(token(TENANT, m));
        assertThat(List.of(
                        "token_type",
                        "scope",
                        "expires_in",
                        "ext_expires_in",
                        "access_token",
                        "refresh_token",
                        "id_token",
                        "client_info"))
                .allSatisfy(f -> assertThat(body.has(f)).as(f).isTrue());
        assertThat(body.path("expires_in").asInt()).isBetween(3600, 5400);
        JWTClaimsSet id = claims(body.path("id_token").asText());
        assertThat(id.getStringClaim("email")).isEqualTo(ADELE);
        assertThat(id.getStringClaim("tid")).isEqualTo(TENANT);
        assertThat(id.getIssuer()).isEqualTo(base(emulator) + "/" + TENANT + "/v2.0");
    }
}
