package dev.mailbridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.MockWebServerWrapper;
import no.nav.security.mock.oauth2.http.NettyWrapper;
import no.nav.security.mock.oauth2.http.OAuth2HttpServer;
import no.nav.security.mock.oauth2.http.Ssl;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;

/**
 * The named peer: navikt's mock-oauth2-server, in-process on loopback, with refresh-token rotation
 * on as Entra does. Its /authorize is non-interactive: it redirects with a code at once.
 *
 * <p>It comes with two HTTP servers: OkHttp's MockWebServer, the default when it is embedded in
 * tests (keeps connections alive), and Netty, which its standalone image runs (answers every
 * request with {@code Connection: close}, so each call pays a new TCP connection and, over HTTPS,
 * a full TLS handshake). Both take the same {@link Ssl} for HTTPS.
 */
final class PeerTarget implements Target {
    static final String NAME = "mock-oauth2-server";
    static final String NETTY_NAME = "mock-oauth2-server (Netty)";
    private static final String ISSUER = "bench";
    private static final String CLIENT_ID = "bench-client";
    private static final String CLIENT_SECRET = "bench-secret";
    private static final String REDIRECT_URI = "http://localhost/bench/callback";
    private static final String CC_SCOPE = "api://bench-api/.default";
    private static final String USER_SCOPE = "openid offline_access api://bench-api/read";

    private final MockOAuth2Server server;
    private final String name;
    private final String transport;
    private final SSLContext clientSsl;

    private PeerTarget(MockOAuth2Server server, String name, String transport, SSLContext clientSsl) {
        this.server = server;
        this.name = name;
        this.transport = transport;
        this.clientSsl = clientSsl;
    }

    /**
     * Starts the peer on a free loopback port, over plain HTTP or (with {@code tls}) HTTPS, on
     * MockWebServer or (with {@code netty}) on Netty.
     */
    static PeerTarget start(boolean tls, boolean netty) throws Exception {
        Ssl ssl = tls ? new Ssl() : null;
        OAuth2HttpServer httpServer = netty ? new NettyWrapper(ssl) : new MockWebServerWrapper(ssl);
        OAuth2Config config = new OAuth2Config(
                false,
                null,
                null,
                true,
                new OAuth2TokenProvider(),
                Set.of(new DefaultOAuth2TokenCallback()),
                httpServer);
        MockOAuth2Server server = new MockOAuth2Server(config);
        server.start(InetAddress.getLoopbackAddress(), 0);
        SSLContext clientSsl = tls ? trusting(ssl.getSslKeystore().getKeyStore()) : null;
        return new PeerTarget(server, netty ? NETTY_NAME : NAME, tls ? "https" : "http", clientSsl);
    }

    private static SSLContext trusting(KeyStore keyStore) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(keyStore);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> transports() {
        return List.of(transport);
    }

    URI tokenUri() {
        return URI.create(server.tokenEndpointUrl(ISSUER).toString());
    }

    @Override
    public Scenario clientCredentials(String transport, int threads) {
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            TokenEndpoint endpoint = track(new TokenEndpoint(tokenUri(), clientSsl));
            workers.add(TokenWorkers.clientCredentials(endpoint, CLIENT_ID, CLIENT_SECRET, CC_SCOPE));
        }
        return new Scenario(name, transport, "client_credentials", workers);
    }

    @Override
    public Scenario refresh(String transport, int threads) throws Exception {
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            TokenEndpoint endpoint = track(new TokenEndpoint(tokenUri(), clientSsl));
            String refreshToken = signIn(endpoint);
            workers.add(TokenWorkers.refresh(endpoint, CLIENT_ID, CLIENT_SECRET, USER_SCOPE, refreshToken));
        }
        return new Scenario(name, transport, "refresh_token", workers);
    }

    /** The peer's authorization-code flow: /authorize redirects with a code, which is redeemed. */
    String signIn(TokenEndpoint endpoint) throws IOException, InterruptedException {
        AuthCodes.Pkce pkce = AuthCodes.Pkce.create();
        String state = AuthCodes.randomState();
        URI authorize = AuthCodes.withQuery(
                URI.create(server.authorizationEndpointUrl(ISSUER).toString()),
                TokenEndpoint.form(
                        "client_id",
                        CLIENT_ID,
                        "response_type",
                        "code",
                        "redirect_uri",
                        REDIRECT_URI,
                        "scope",
                        USER_SCOPE,
                        "state",
                        state,
                        "nonce",
                        AuthCodes.randomState(),
                        "code_challenge",
                        pkce.challenge(),
                        "code_challenge_method",
                        "S256"));
        TokenEndpoint.checkLoopback(authorize);
        try (HttpClient browser = TokenEndpoint.newClient(clientSsl, HttpClient.Redirect.NEVER, null)) {
            HttpResponse<String> response = browser.send(
                    HttpRequest.newBuilder(authorize)
                            .timeout(TokenEndpoint.TIMEOUT)
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            String location = response.headers().firstValue("Location").orElse(null);
            if (response.statusCode() / 100 != 3 || location == null) {
                throw new IOException("The peer's /authorize did not redirect: HTTP " + response.statusCode() + " "
                        + TokenEndpoint.abbreviate(response.body()));
            }
            String code = AuthCodes.codeFrom(authorize.resolve(location), state);
            JsonNode tokens = endpoint.post(TokenEndpoint.form(
                    "grant_type", "authorization_code",
                    "client_id", CLIENT_ID,
                    "client_secret", CLIENT_SECRET,
                    "code", code,
                    "redirect_uri", REDIRECT_URI,
                    "code_verifier", pkce.verifier()));
            return TokenWorkers.requireRefreshToken(tokens, "The peer's code redemption");
        }
    }

    private final List<TokenEndpoint> endpoints = new ArrayList<>();

    private TokenEndpoint track(TokenEndpoint endpoint) {
        endpoints.add(endpoint);
        return endpoint;
    }

    @Override
    public void close() {
        endpoints.forEach(TokenEndpoint::close);
        endpoints.clear();
        server.shutdown();
    }
}
