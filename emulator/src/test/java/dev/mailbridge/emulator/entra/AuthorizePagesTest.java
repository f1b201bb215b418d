package dev.mailbridge.emulator.entra;

import static dev.mailbridge.emulator.entra.EntraFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.SignedJWT;
import dev.mailbridge.emulator.Cloud;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** /authorize and its pages, admin consent, metadata, keys, instance discovery and the control API. */
class AuthorizePagesTest extends EntraEmulatorTest {
    static final String FORM = "application/x-www-form-urlencoded";

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String authorize(String tenant, String clientId, String redirect, String scope, String extra) {
        return base(emulator) + "/" + tenant + "/oauth2/v2.0/authorize?client_id=" + clientId
                + "&response_type=code&redirect_uri=" + enc(redirect) + "&scope=" + enc(scope) + "&state=st" + extra;
    }

    Browser browser() {
        return new Browser(emulator, base(emulator));
    }

    @Test
    void unregisteredRedirectUriIsAnErrorPageNotARedirect() throws Exception {
        HttpResponse<String> page = browser().get(authorize(TENANT, WEB_APP, "https://evil.example/cb", EWS, ""));
        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(page.headers().firstValue("Location")).isEmpty();
        assertThat(page.body())
                .contains(
                        "data-code=\"50011\"",
                        "AADSTS50011: The redirect URI &#39;https://evil.example/cb&#39; specified in the request does not match");
    }

    @Test
    void anHttpLocalhostRedirectUriMatchesOnAnyPort() throws Exception {
        // The desktop app registers http://localhost; Entra ignores the port a CLI listens on.
        HttpResponse<String> anyPort = browser().get(authorize(TENANT, PUBLIC_APP, "http://localhost:54321", EWS, ""));
        assertThat(anyPort.body()).doesNotContain("data-code=\"50011\"");
        assertThat(anyPort.statusCode()).isLessThan(400);
        // Only the port is ignored: another path, or https, is still not registered.
        assertThat(browser()
                        .get(authorize(TENANT, PUBLIC_APP, "http://localhost:54321/elsewhere", EWS, ""))
                        .body())
                .contains("data-code=\"50011\"");
        assertThat(browser()
                        .get(authorize(TENANT, PUBLIC_APP, "https://localhost:54321", EWS, ""))
                        .body())
                .contains("data-code=\"50011\"");
    }

    @Test
    void unknownTenantAndUnknownAppAreErrorPages() throws Exception {
        assertThat(browser()
                        .get(authorize("nowhere.example", WEB_APP, CALLBACK, EWS, ""))
                        .body())
                .contains("data-code=\"90002\"");
        assertThat(browser()
                        .get(authorize(ONPREM_DOMAIN, WEB_APP, CALLBACK, EWS, ""))
                        .body())
                .contains("data-code=\"90002\"");
        assertThat(browser().get(authorize(TENANT, GOV_APP, CALLBACK, EWS, "")).body())
                .contains("data-code=\"700016\"");
    }

    @Test
    void scopeErrorsGoBackToTheApp() throws Exception {
        Map<String, String> unknown = query(Browser.location(
                browser().get(authorize(TENANT, WEB_APP, CALLBACK, "https://graph.microsoft.com/Nope.Nope", ""))));
        assertThat(unknown).containsEntry("error", "invalid_scope").containsEntry("state", "st");
        assertThat(unknown.get("error_description")).startsWith("AADSTS70011: ");
        Map<String, String> otherCloud = query(Browser.location(
                browser().get(authorize(TENANT, WEB_APP, CALLBACK, "https://graph.microsoft.us/Mail.Read", ""))));
        assertThat(otherCloud.get("error_description"))
                .startsWith("AADSTS500011: The resource principal named https://graph.microsoft.us was not found");
    }

    @Test
    void promptNoneWithoutSessionIsLoginRequired() throws Exception {
        Map<String, String> q =
                query(Browser.location(browser().get(authorize(DOMAIN, WEB_APP, CALLBACK, EWS, "&prompt=none"))));
        assertThat(q).containsEntry("error", "login_required").containsEntry("state", "st");
        assertThat(q.get("error_description"))
                .startsWith("AADSTS50058: ")
                .contains("Trace ID: ", "Correlation ID: ", "Timestamp: ");
        assertThat(q.get("error_uri")).isEqualTo("https://login.microsoftonline.com/error?code=50058");
    }

    @Test
    void sessionCookieSkipsThePasswordUnlessPromptLogin() throws Exception {
        Browser b = browser();
        HttpResponse<String> signIn = b.get(authorize(TENANT, WEB_APP, CALLBACK, EWS, "&login_hint=" + enc(ADELE)));
        assertThat(signIn.body()).contains("value=\"" + ADELE + "\"");
        HttpResponse<String> wrong = b.submit(signIn, Map.of("login", ADELE, "passwd", "nope"));
        assertThat(wrong.body())
                .contains("AADSTS50126: Error validating credentials due to invalid username or password.");
        HttpResponse<String> done = b.signIn(wrong, ADELE, ADELE_PW);
        assertThat(query(Browser.location(done))).containsKey("code").containsEntry("state", "st");
        HttpResponse<String> again = b.get(authorize(TENANT, WEB_APP, CALLBACK, EWS, ""));
        assertThat(again.statusCode()).isEqualTo(302);
        assertThat(query(Browser.location(again))).containsKey("code");
        assertThat(query(Browser.location(b.get(authorize(TENANT, WEB_APP, CALLBACK, EWS, "&prompt=none")))))
                .containsKey("code");
        assertThat(b.get(authorize(TENANT, WEB_APP, CALLBACK, EWS, "&prompt=login"))
                        .body())
                .contains("name=\"passwd\"");
    }

    @Test
    void blockedDisabledAndMfaUsers() throws Exception {
        Browser b = browser();
        HttpResponse<String> blocked =
                b.signIn(b.get(authorize(TENANT, WEB_APP, CALLBACK, EWS, "")), BLOCKED_USER, "Blocked-Passw0rd!");
        assertThat(blocked.body()).contains("AADSTS53003: Access has been blocked by Conditional Access policies.");
        Browser b2 = browser();
        HttpResponse<String> disabled =
                b2.signIn(b2.get(authorize(TENANT, WEB_APP, CALLBACK, EWS, "")), DISABLED_USER, "Disabled-Passw0rd!");
        assertThat(disabled.body()).contains("AADSTS50057: The user account is disabled.");
        Browser b3 = browser();
        HttpResponse<String> mfaPage = b3.submit(
                b3.get(authorize(TENANT, WEB_APP, CALLBACK, EWS, "")),
                Map.of("login", MFA_USER, "passwd", "Mfa-Passw0rd!"));
        assertThat(mfaPage.body()).contains("name=\"mfaCode\"");
        HttpResponse<String> done = b3.submit(mfaPage, Map.of("mfaCode", "123456"));
        String code = query(Browser.location(done)).get("code");
        JsonNode token = json(postForm(
                emulator,
                base(emulator) + "/" + TENANT + "/oauth2/v2.0/token",
                form(Map.of(
                        "grant_type",
                        "authorization_code",
                        "client_id",
                        WEB_APP,
                        "client_secret",
                        WEB_SECRET,
                        "code",
                        code,
                        "redirect_uri",
                        CALLBACK,
                        "scope",
                        EWS)),
                FORM));
        assertThat(claims(token.path("access_token").asText()).getStringListClaim("amr"))
                .contains("mfa");
    }

    @Test
    void consentPageAcceptAndCancel() throws Exception {
        String scope = "https://graph.microsoft.com/Mail.Read openid offline_access";
        Browser b = browser();
        HttpResponse<String> consent =
                b.signIn(b.get(authorize(TENANT, CONSENT_APP, CALLBACK, scope, "")), ADELE, ADELE_PW);
        assertThat(consent.body()).contains("name=\"accept\" value=\"yes\"", "Microsoft Graph: Mail.Read");
        Map<String, String> declined = query(Browser.location(b.submit(consent, Map.of("accept", "no"))));
        assertThat(declined).containsEntry("error", "access_denied");
        assertThat(declined.get("error_description"))
                .startsWith("AADSTS65004: User declined to consent to access the app.");

        HttpResponse<String> again = b.get(authorize(TENANT, CONSENT_APP, CALLBACK, scope, ""));
        String code = query(Browser.location(b.submit(again, Map.of("accept", "yes"))))
                .get("code");
        HttpResponse<String> token = postForm(
                emulator,
                base(emulator) + "/" + TENANT + "/oauth2/v2.0/token",
                form(Map.of(
                        "grant_type",
                        "authorization_code",
                        "client_id",
                        CONSENT_APP,
                        "client_secret",
                        CONSENT_SECRET,
                        "code",
                        code,
                        "redirect_uri",
                        CALLBACK,
                        "scope",
                        scope)),
                FORM);
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        // Consent covered Mail.Read only; EWS is declared but not consented: 65001 on refresh.
        String rt = json(token).path("refresh_token").asText();
        HttpResponse<String> ews = postForm(
                emulator,
                base(emulator) + "/" + TENANT + "/oauth2/v2.0/token",
                form(Map.of(
                        "grant_type",
                        "refresh_token",
                        "client_id",
                        CONSENT_APP,
                        "client_secret",
                        CONSENT_SECRET,
                        "refresh_token",
                        rt,
                        "scope",
                        EWS)),
                FORM);
        assertThat(json(ews).path("error_codes").get(0).asInt()).isEqualTo(65001);
    }

    @Test
    void adminConsentEndpoint() throws Exception {
        String url = base(emulator) + "/" + TENANT + "/v2.0/adminconsent?client_id=" + CONSENT_APP + "&redirect_uri="
                + enc(CALLBACK) + "&scope=" + enc("https://graph.microsoft.com/.default") + "&state=ac";
        Browser user = browser();
        Map<String, String> denied = query(Browser.location(user.signIn(user.get(url), ADELE, ADELE_PW)));
        assertThat(denied).containsEntry("error", "access_denied").containsEntry("state", "ac");
        assertThat(denied.get("error_description")).startsWith("AADSTS90094: ");

        Browser admin = browser();
        HttpResponse<String> consent = admin.signIn(admin.get(url), ADMIN, ADMIN_PW);
        assertThat(consent.body()).contains("Microsoft Graph: Mail.Read (application)");
        Map<String, String> granted = query(Browser.location(admin.submit(consent, Map.of("accept", "yes"))));
        assertThat(granted)
                .containsEntry("admin_consent", "True")
                .containsEntry("tenant", TENANT)
                .containsEntry("scope", "https://graph.microsoft.com/.default")
                .containsEntry("state", "ac");
        try {
            HttpResponse<String> cc = postForm(
                    emulator,
                    base(emulator) + "/" + TENANT + "/oauth2/v2.0/token",
                    form(Map.of(
                            "grant_type",
                            "client_credentials",
                            "client_id",
                            CONSENT_APP,
                            "client_secret",
                            CONSENT_SECRET,
                            "scope",
                            "https://graph.microsoft.com/.default")),
                    FORM);
            assertThat(cc.statusCode()).as(cc.body()).isEqualTo(200);
        } finally {
            emulator.entra().directory().revokeAdminConsent(TENANT, CONSENT_APP);
        }
    }

    @Test
    void formPostEscapesWhatItEchoes() throws Exception {
        Browser b = browser();
        String url = authorize(TENANT, WEB_APP, CALLBACK, EWS, "")
                        .replace("&state=st", "&state=" + enc("\"><script>x</script>"))
                + "&response_mode=form_post";
        HttpResponse<String> page = b.signIn(b.get(url), ADELE, ADELE_PW);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("action=\"" + CALLBACK + "\"", "name=\"code\"", "<noscript>")
                .doesNotContain("\"><script>x</script>");
        assertThat(Browser.hidden(page.body())).containsEntry("state", "\"><script>x</script>");
    }

    @Test
    void metadataKeysAndInstanceDiscovery() throws Exception {
        Browser b = browser();
        JsonNode v2 = JSON.readTree(b.get(base(emulator) + "/" + DOMAIN + "/v2.0/.well-known/openid-configuration")
                .body());
        assertThat(v2.path("issuer").asText()).isEqualTo(base(emulator) + "/" + TENANT + "/v2.0");
        assertThat(v2.path("token_endpoint").asText()).isEqualTo(base(emulator) + "/" + TENANT + "/oauth2/v2.0/token");
        assertThat(v2.path("device_authorization_endpoint").asText()).endsWith("/oauth2/v2.0/devicecode");
        assertThat(v2.path("cloud_instance_name").asText()).isEqualTo("microsoftonline.com");
        assertThat(v2.path("tenant_region_scope").asText()).isEqualTo("WW");
        JsonNode gov = JSON.readTree(
                b.get(base(emulator, Cloud.USGOV) + "/" + GOV_TENANT + "/v2.0/.well-known/openid-configuration")
                        .body());
        assertThat(gov.path("cloud_instance_name").asText()).isEqualTo("microsoftonline.us");
        assertThat(gov.path("msgraph_host").asText()).isEqualTo("graph.microsoft.us");
        assertThat(gov.path("tenant_region_scope").asText()).isEqualTo("USGov");
        assertThat(b.get(base(emulator, Cloud.USGOV) + "/" + TENANT + "/v2.0/.well-known/openid-configuration")
                        .statusCode())
                .isEqualTo(400);
        JsonNode v1 = JSON.readTree(b.get(base(emulator) + "/" + TENANT + "/.well-known/openid-configuration")
                .body());
        assertThat(v1.path("issuer").asText()).isEqualTo("https://sts.windows.net/" + TENANT + "/");

        JsonNode keys = JSON.readTree(
                b.get(base(emulator) + "/common/discovery/v2.0/keys").body());
        String kid = keys.path("keys").get(0).path("kid").asText();
        HttpResponse<String> cc = postForm(
                emulator,
                base(emulator) + "/" + TENANT + "/oauth2/v2.0/token",
                form(Map.of(
                        "grant_type",
                        "client_credentials",
                        "client_id",
                        WEB_APP,
                        "client_secret",
                        WEB_SECRET,
                        "scope",
                        "https://outlook.office365.com/.default")),
                FORM);
        SignedJWT jwt = SignedJWT.parse(json(cc).path("access_token").asText());
        assertThat(jwt.getHeader().getKeyID()).isEqualTo(kid);
        assertThat(jwt.verify(
                        new com.nimbusds.jose.crypto.RSASSAVerifier(com.nimbusds.jose.jwk.JWKSet.parse(keys.toString())
                                .getKeys()
                                .get(0)
                                .toRSAKey())))
                .isTrue();

        String host = emulator.loginUrl().getHost();
        JsonNode discovery = JSON.readTree(
                b.get(base(emulator) + "/common/discovery/instance?api-version=1.1&authorization_endpoint="
                                + enc(base(emulator) + "/" + TENANT + "/oauth2/v2.0/authorize"))
                        .body());
        assertThat(discovery.path("tenant_discovery_endpoint").asText())
                .isEqualTo(base(emulator) + "/" + TENANT + "/v2.0/.well-known/openid-configuration");
        assertThat(discovery.path("metadata").get(0).path("aliases").get(0).asText())
                .isEqualTo(host);
        HttpResponse<String> foreign =
                b.get(base(emulator) + "/common/discovery/instance?api-version=1.1&authorization_endpoint="
                        + enc("https://login.example.org/common/oauth2/v2.0/authorize"));
        assertThat(foreign.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(foreign.body()).path("error").asText()).isEqualTo("invalid_instance");
    }

    @Test
    void controlApi() throws Exception {
        String api = base(emulator) + "/_emulator/tenants/" + DOMAIN;
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .sslContext(emulator.sslContext())
                .build();
        java.util.function.BiFunction<String, String, java.net.http.HttpRequest.Builder> req =
                (path, body) -> java.net.http.HttpRequest.newBuilder(java.net.URI.create(api + path))
                        .header("Content-Type", "application/json");
        HttpResponse<String> created = http.send(
                req.apply("/users", null)
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                "{\"upn\":\"rest.user@contoso.onmicrosoft.com\",\"password\":\"Pw-A\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(JSON.readTree(created.body()).path("oid").asText()).matches("[0-9a-f-]{36}");
        HttpResponse<String> patched = http.send(
                req.apply("/users/rest.user@contoso.onmicrosoft.com", null)
                        .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString("{\"password\":\"Pw-B\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(patched.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(patched.body()).path("tokensValidFrom").asText())
                .isNotEqualTo("1970-01-01T00:00:00Z");
        HttpResponse<String> revoked = http.send(
                req.apply("/users/rest.user@contoso.onmicrosoft.com/revokeSessions", null)
                        .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(revoked.statusCode()).isEqualTo(200);
        HttpResponse<String> secret = http.send(
                req.apply("/apps/" + WEB_APP + "/secrets", null)
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"expiresInDays\":30}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(secret.statusCode()).isEqualTo(201);
        String value = JSON.readTree(secret.body()).path("value").asText();
        HttpResponse<String> cc = postForm(
                emulator,
                base(emulator) + "/" + TENANT + "/oauth2/v2.0/token",
                form(Map.of(
                        "grant_type",
                        "client_credentials",
                        "client_id",
                        WEB_APP,
                        "client_secret",
                        value,
                        "scope",
                        "https://outlook.office365.com/.default")),
                FORM);
        assertThat(cc.statusCode()).isEqualTo(200);
        HttpResponse<String> missing = http.send(
                req.apply("/users/nobody@contoso.onmicrosoft.com", null).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isIn(400, 404);
        HttpResponse<String> bad = http.send(
                req.apply("/users", null)
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{not json"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
        JsonNode all = JSON.readTree(http.send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(base(emulator) + "/_emulator/tenants"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body());
        assertThat(all).hasSize(3);
        JsonNode web = all.get(0).path("apps").get(0);
        assertThat(web.path("clientSecret").asText()).isEqualTo(WEB_SECRET);
        assertThat(Path.of(web.path("certificatePem").asText())).exists();
        assertThat(Path.of(web.path("privateKeyPem").asText())).exists();
        assertThat(all.get(2).path("kind").asText()).isEqualTo("onprem");
        assertThat(all.get(2).path("users").get(1).path("roles").get(0).asText())
                .isEqualTo("ApplicationImpersonation");
    }
}
