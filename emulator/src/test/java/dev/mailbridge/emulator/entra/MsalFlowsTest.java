package dev.mailbridge.emulator.entra;

import static dev.mailbridge.emulator.entra.EntraFixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.aad.msal4j.AuthorizationCodeParameters;
import com.microsoft.aad.msal4j.AuthorizationRequestUrlParameters;
import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.ClientCredentialParameters;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.DeviceCode;
import com.microsoft.aad.msal4j.DeviceCodeFlowParameters;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import com.microsoft.aad.msal4j.MsalServiceException;
import com.microsoft.aad.msal4j.PublicClientApplication;
import com.microsoft.aad.msal4j.ResponseMode;
import com.microsoft.aad.msal4j.SilentParameters;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.mailbridge.emulator.entra.AppRegistration.AppCertificate;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Microsoft's own client against the emulator: MSAL4J configured the natural way for a localhost
 * authority (https, the emulator's CA via sslSocketFactory, instanceDiscovery(false)).
 */
class MsalFlowsTest extends EntraEmulatorTest {

    /** MSAL's own threads: its default, the common pool, has a single worker on two-CPU machines. */
    static final java.util.concurrent.ExecutorService EXECUTOR =
            java.util.concurrent.Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "msal");
                t.setDaemon(true);
                return t;
            });

    private static String authority() {
        return base(emulator) + "/" + TENANT + "/";
    }

    private static PublicClientApplication publicApp() throws Exception {
        return PublicClientApplication.builder(PUBLIC_APP)
                .authority(authority())
                .instanceDiscovery(false)
                .sslSocketFactory(emulator.sslContext().getSocketFactory())
                .executorService(EXECUTOR)
                .build();
    }

    private static ConfidentialClientApplication.Builder confidential(
            String clientId, com.microsoft.aad.msal4j.IClientCredential credential) throws Exception {
        return ConfidentialClientApplication.builder(clientId, credential)
                .authority(authority())
                .instanceDiscovery(false)
                .sslSocketFactory(emulator.sslContext().getSocketFactory())
                .executorService(EXECUTOR);
    }

    /** Drives the browser part of the code flow and returns the code from the redirect. */
    static String signInForCode(String authorizeUrl, String upn, String password) throws Exception {
        Browser browser = new Browser(emulator, base(emulator));
        HttpResponse<String> page = browser.get(authorizeUrl);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("name=\"login\"", "name=\"passwd\"", "name=\"flow\"");
        HttpResponse<String> result = browser.signIn(page, upn, password);
        if (result.body().contains("name=\"accept\"")) {
            result = browser.submit(result, Map.of("accept", "yes"));
        }
        if (result.statusCode() == 302) {
            return query(Browser.location(result)).get("code");
        }
        // response_mode=form_post
        return Browser.hidden(result.body()).get("code");
    }

    @Test
    void authorizationCodeWithPkceThenSilentRefresh() throws Exception {
        PublicClientApplication app = publicApp();
        Set<String> scopes = Set.of(EWS);
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        String challenge = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                        MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        String url = app.getAuthorizationRequestUrl(
                        AuthorizationRequestUrlParameters.builder("http://localhost", scopes)
                                .codeChallenge(challenge)
                                .codeChallengeMethod("S256")
                                .state("st-1")
                                .nonce("n-1")
                                .responseMode(ResponseMode.QUERY)
                                .build())
                .toString();
        String code = signInForCode(url, ADELE, ADELE_PW);
        assertThat(code).isNotBlank();

        IAuthenticationResult result = app.acquireToken(
                        AuthorizationCodeParameters.builder(code, new URI("http://localhost"))
                                .scopes(scopes)
                                .codeVerifier(verifier)
                                .build())
                .get(30, TimeUnit.SECONDS);
        JWTClaimsSet at = claims(result.accessToken());
        assertThat(at.getAudience()).containsExactly("https://outlook.office365.com");
        assertThat(at.getIssuer()).isEqualTo(base(emulator) + "/" + TENANT + "/v2.0");
        assertThat(at.getStringClaim("scp").split(" ")).contains("EWS.AccessAsUser.All", "IMAP.AccessAsUser.All");
        assertThat(at.getStringClaim("upn")).isEqualTo(ADELE);
        assertThat(at.getStringClaim("appid")).isEqualTo(PUBLIC_APP);
        assertThat(at.getStringClaim("appidacr")).isEqualTo("0");
        assertThat(at.getStringClaim("tid")).isEqualTo(TENANT);
        long lifetime = (at.getExpirationTime().getTime() - at.getIssueTime().getTime()) / 1000;
        assertThat(lifetime).isBetween(3600L, 5400L);
        JWTClaimsSet id = claims(result.idToken());
        assertThat(id.getAudience()).containsExactly(PUBLIC_APP);
        assertThat(id.getStringClaim("nonce")).isEqualTo("n-1");
        assertThat(id.getStringClaim("preferred_username")).isEqualTo(ADELE);
        assertThat(result.account().username()).isEqualTo(ADELE);
        assertThat(result.account().homeAccountId()).isEqualTo("c0a7c0a7-0000-4000-8000-000000000101." + TENANT);

        IAuthenticationResult refreshed = app.acquireTokenSilently(SilentParameters.builder(scopes, result.account())
                        .forceRefresh(true)
                        .authorityUrl(authority())
                        .build())
                .get(30, TimeUnit.SECONDS);
        assertThat(refreshed.accessToken()).isNotEqualTo(result.accessToken());
        assertThat(claims(refreshed.accessToken()).getStringClaim("upn")).isEqualTo(ADELE);

        // A refresh may ask for another resource the user consented to.
        IAuthenticationResult graph = app.acquireTokenSilently(
                        SilentParameters.builder(Set.of("https://graph.microsoft.com/Mail.Read"), result.account())
                                .forceRefresh(true)
                                .authorityUrl(authority())
                                .build())
                .get(30, TimeUnit.SECONDS);
        assertThat(claims(graph.accessToken()).getAudience()).containsExactly("https://graph.microsoft.com");
        assertThat(claims(graph.accessToken()).getStringClaim("scp")).contains("Mail.Read", "User.Read");

        // 91 days without use: the refresh token has expired (700082, suberror bad_token).
        emulator.clock().advance(Duration.ofDays(91));
        assertThatThrownBy(() -> app.acquireTokenSilently(SilentParameters.builder(scopes, result.account())
                                .forceRefresh(true)
                                .authorityUrl(authority())
                                .build())
                        .get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(MsalServiceException.class)
                .hasMessageContaining("AADSTS700082: The refresh token has expired due to inactivity.")
                .hasMessageContaining("was inactive for 90.00:00:00.");
    }

    @Test
    void confidentialClientAuthorizationCodeWithSecretAndFormPost() throws Exception {
        ConfidentialClientApplication app = confidential(WEB_APP, ClientCredentialFactory.createFromSecret(WEB_SECRET))
                .build();
        Set<String> scopes = Set.of("https://outlook.office.com/IMAP.AccessAsUser.All");
        String url = app.getAuthorizationRequestUrl(AuthorizationRequestUrlParameters.builder(CALLBACK, scopes)
                        .responseMode(ResponseMode.FORM_POST)
                        .state("s2")
                        .build())
                .toString();
        String code = signInForCode(url, ADELE, ADELE_PW);
        IAuthenticationResult result = app.acquireToken(AuthorizationCodeParameters.builder(code, new URI(CALLBACK))
                        .scopes(scopes)
                        .build())
                .get(30, TimeUnit.SECONDS);
        JWTClaimsSet at = claims(result.accessToken());
        assertThat(at.getAudience()).containsExactly("https://outlook.office.com");
        assertThat(at.getStringClaim("scp")).contains("IMAP.AccessAsUser.All", "SMTP.Send");
        assertThat(at.getStringClaim("appidacr")).isEqualTo("1");
    }

    @Test
    void clientCredentialsWithSecret() throws Exception {
        ConfidentialClientApplication app = confidential(WEB_APP, ClientCredentialFactory.createFromSecret(WEB_SECRET))
                .build();
        IAuthenticationResult result = app.acquireToken(
                        ClientCredentialParameters.builder(Set.of("https://outlook.office365.com/.default"))
                                .build())
                .get(30, TimeUnit.SECONDS);
        JWTClaimsSet at = claims(result.accessToken());
        assertThat(at.getAudience()).containsExactly("https://outlook.office365.com");
        assertThat(at.getStringListClaim("roles")).contains("full_access_as_app", "IMAP.AccessAsApp", "SMTP.SendAsApp");
        assertThat(at.getClaim("scp")).isNull();
        assertThat(at.getStringClaim("appidacr")).isEqualTo("1");
        assertThat(at.getStringClaim("idtyp")).isEqualTo("app");
    }

    @Test
    void clientCredentialsWithCertificate() throws Exception {
        AppCertificate cert =
                emulator.entra().directory().app(TENANT, WEB_APP).certificates().get(0);
        ConfidentialClientApplication app = confidential(
                        WEB_APP, ClientCredentialFactory.createFromCertificate(cert.privateKey(), cert.certificate()))
                .build();
        IAuthenticationResult result = app.acquireToken(
                        ClientCredentialParameters.builder(Set.of("https://graph.microsoft.com/.default"))
                                .build())
                .get(30, TimeUnit.SECONDS);
        JWTClaimsSet at = claims(result.accessToken());
        assertThat(at.getAudience()).containsExactly("https://graph.microsoft.com");
        assertThat(at.getStringListClaim("roles"))
                .containsExactlyInAnyOrder("Mail.Read", "Mail.ReadWrite", "Mail.Send");
        assertThat(at.getStringClaim("appidacr")).isEqualTo("2");
    }

    @Test
    void certificateNotRegisteredIs700027() throws Exception {
        // A certificate the app does not know: MSAL signs fine, Entra cannot find the key.
        EntraDirectory directory = emulator.entra().directory();
        AppCertificate foreign = directory.addGeneratedCertificate(TENANT, CONSENT_APP);
        ConfidentialClientApplication app = confidential(
                        WEB_APP,
                        ClientCredentialFactory.createFromCertificate(foreign.privateKey(), foreign.certificate()))
                .build();
        assertThatThrownBy(() -> app.acquireToken(
                                ClientCredentialParameters.builder(Set.of("https://graph.microsoft.com/.default"))
                                        .build())
                        .get(30, TimeUnit.SECONDS))
                .cause()
                .isInstanceOf(MsalServiceException.class)
                .hasMessageContaining("AADSTS700027")
                .extracting(e -> ((MsalServiceException) e).errorCode())
                .isEqualTo("invalid_client");
    }

    @Test
    void deviceCodeFlow() throws Exception {
        PublicClientApplication app = publicApp();
        AtomicReference<DeviceCode> shown = new AtomicReference<>();
        CompletableFuture<Void> user = new CompletableFuture<>();
        CompletableFuture<IAuthenticationResult> result = app.acquireToken(DeviceCodeFlowParameters.builder(
                        Set.of("https://graph.microsoft.com/Mail.Read"), deviceCode -> {
                            shown.set(deviceCode);
                            // The user completes the sign-in on "another device" while MSAL polls. Not on
                            // the common pool: MSAL's polling may hold its only worker on small machines.
                            Thread.ofPlatform().daemon().start(() -> {
                                try {
                                    Browser browser = new Browser(emulator, base(emulator));
                                    HttpResponse<String> entry = browser.get(deviceCode.verificationUri());
                                    HttpResponse<String> signIn =
                                            browser.submit(entry, Map.of("otc", deviceCode.userCode()));
                                    HttpResponse<String> confirm = browser.signIn(signIn, ADELE, ADELE_PW);
                                    HttpResponse<String> done = browser.submit(confirm, Map.of("accept", "yes"));
                                    if (!done.body().contains("You have signed in")) {
                                        throw new AssertionError(done.body());
                                    }
                                    user.complete(null);
                                } catch (Throwable t) {
                                    user.completeExceptionally(t);
                                }
                            });
                        })
                .build());
        IAuthenticationResult token = result.get(60, TimeUnit.SECONDS);
        user.get(5, TimeUnit.SECONDS);
        assertThat(shown.get().verificationUri()).isEqualTo(base(emulator) + "/devicelogin");
        assertThat(shown.get().interval()).isEqualTo(5);
        assertThat(shown.get().expiresIn()).isEqualTo(900);
        assertThat(shown.get().message()).contains(shown.get().userCode());
        JWTClaimsSet at = claims(token.accessToken());
        assertThat(at.getAudience()).containsExactly("https://graph.microsoft.com");
        assertThat(at.getStringClaim("upn")).isEqualTo(ADELE);
    }
}
