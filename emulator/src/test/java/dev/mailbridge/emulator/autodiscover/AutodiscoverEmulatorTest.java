package dev.mailbridge.emulator.autodiscover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.EmulatorOptions;
import dev.mailbridge.emulator.autodiscover.AutodiscoverService.Failure;
import dev.mailbridge.emulator.autodiscover.AutodiscoverService.Surface;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class AutodiscoverEmulatorTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String AUTOD = "http://schemas.microsoft.com/exchange/2010/Autodiscover";
    static final String POX_OUT = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";
    static final String POX_ROOT = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006";
    static final String NANCY = "nancy.davolio@northwind.local";
    static final String NANCY_PW = "Nancy-Passw0rd!";
    static final String ADELE = "adele.vance@contoso.onmicrosoft.com";
    static final String ADELE_PW = "Adele-Passw0rd!";
    static final String TENANT = "c0a7c0a7-0000-4000-8000-000000000001";
    static final String WEB_APP = "c0a7c0a7-0000-4000-8000-0000000000a1";
    static final String WEB_SECRET = "Mbr8Q~emulator.web.app.secret.value.0001";

    static Emulator emulator;
    static HttpClient http;
    static String base;
    static AutodiscoverService autodiscover;

    @BeforeAll
    static void start() {
        emulator = Emulator.start(
                EmulatorOptions.builder().httpsPort(0).httpPort(0).build());
        http = HttpClient.newBuilder()
                .sslContext(emulator.sslContext())
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        base = emulator.loginUrl().toString();
        autodiscover = emulator.autodiscover();
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @AfterEach
    void reset() {
        autodiscover.clearFailures();
        autodiscover.clearRequests();
        autodiscover.removeRedirect("fabrikam.example");
        autodiscover.removeRedirect("tailspin.example");
        autodiscover.hangFor(Duration.ofSeconds(60));
    }

    // --- SOAP -------------------------------------------------------------------------------------

    @Test
    void soapGetUserSettingsForOnPremUserWithBasic() throws Exception {
        HttpResponse<String> r = soap(
                basic(NANCY, NANCY_PW),
                List.of(NANCY),
                List.of(
                        "UserDisplayName",
                        "InternalEwsUrl",
                        "ExternalEwsUrl",
                        "EwsSupportedSchemas",
                        "CasVersion",
                        "AutoDiscoverSMTPAddress",
                        "UserDN"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/xml");
        Document doc = parse(r.body());
        assertThat(text(doc, "http://www.w3.org/2005/08/addressing", "Action"))
                .isEqualTo(AUTOD + "/Autodiscover/GetUserSettingsResponse");
        assertThat(text(doc, AUTOD, "MajorVersion")).isEqualTo("15");
        Element response = first(doc, AUTOD, "Response");
        assertThat(childText(response, "ErrorCode")).isEqualTo("NoError");
        Element user = first(doc, AUTOD, "UserResponse");
        assertThat(childText(user, "ErrorCode")).isEqualTo("NoError");
        assertThat(setting(doc, "InternalEwsUrl")).isEqualTo(base + "/EWS/Exchange.asmx");
        assertThat(setting(doc, "ExternalEwsUrl")).isEqualTo(base + "/EWS/Exchange.asmx");
        assertThat(setting(doc, "UserDisplayName")).isEqualTo("Nancy Davolio");
        assertThat(setting(doc, "AutoDiscoverSMTPAddress")).isEqualTo(NANCY);
        assertThat(setting(doc, "EwsSupportedSchemas")).contains("Exchange2010_SP2", "Exchange2013");
        assertThat(setting(doc, "CasVersion")).startsWith("15.");
        assertThat(setting(doc, "UserDN")).startsWith("/o=").endsWith("/cn=nancy.davolio");
        assertThat(r.body()).contains("i:type=\"StringSetting\"");
    }

    @Test
    void soapUnknownUserAndSettingErrorsPerUser() throws Exception {
        HttpResponse<String> r = soap(
                basic(NANCY, NANCY_PW),
                List.of("nobody@northwind.local", "someone@unknown-domain.example", NANCY),
                List.of("InternalEwsUrl", "NoSuchSetting", "AlternateMailboxes"));
        assertThat(r.statusCode()).isEqualTo(200);
        Document doc = parse(r.body());
        NodeList users = doc.getElementsByTagNameNS(AUTOD, "UserResponse");
        assertThat(users.getLength()).isEqualTo(3);
        Element first = (Element) users.item(0);
        assertThat(childText(first, "ErrorCode")).isEqualTo("InvalidUser");
        assertThat(childText(first, "ErrorMessage")).isEqualTo("Invalid user: 'nobody@northwind.local'");
        assertThat(childText((Element) users.item(1), "ErrorCode")).isEqualTo("InvalidUser");
        Element third = (Element) users.item(2);
        assertThat(childText(third, "ErrorCode")).isEqualTo("NoError");
        assertThat(r.body())
                .contains("<ErrorCode>InvalidSetting</ErrorCode>")
                .contains("<SettingName>NoSuchSetting</SettingName>")
                .contains("<ErrorCode>SettingIsNotAvailable</ErrorCode>")
                .contains("<SettingName>AlternateMailboxes</SettingName>");
    }

    @Test
    void soapOnlineUserWithEntraTokenAndNotWithBasic() throws Exception {
        String token = appToken();
        HttpResponse<String> r = soap("Bearer " + token, List.of(ADELE), List.of("InternalEwsUrl", "UserDisplayName"));
        assertThat(r.statusCode()).isEqualTo(200);
        Document doc = parse(r.body());
        assertThat(setting(doc, "InternalEwsUrl")).isEqualTo(base + "/EWS/Exchange.asmx");
        assertThat(setting(doc, "UserDisplayName")).isEqualTo("Adele Vance");
        // Exchange Online refuses Basic
        assertThat(soap(basic(ADELE, ADELE_PW), List.of(ADELE), List.of("InternalEwsUrl"))
                        .statusCode())
                .isEqualTo(401);
        // a tampered token is refused
        String[] parts = token.split("\\.");
        String forged = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
        assertThat(soap("Bearer " + forged, List.of(ADELE), List.of("InternalEwsUrl"))
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void soapRedirectAddressAndRedirectUrl() throws Exception {
        autodiscover.redirect("fabrikam.example", "northwind.local");
        autodiscover.redirect(
                "tailspin.example", "https://autodiscover.tailspin.example/autodiscover/autodiscover.xml");
        HttpResponse<String> r = soap(
                basic(NANCY, NANCY_PW),
                List.of("nancy.davolio@fabrikam.example", "x@tailspin.example"),
                List.of("InternalEwsUrl"));
        Document doc = parse(r.body());
        NodeList users = doc.getElementsByTagNameNS(AUTOD, "UserResponse");
        Element first = (Element) users.item(0);
        assertThat(childText(first, "ErrorCode")).isEqualTo("RedirectAddress");
        assertThat(childText(first, "ErrorMessage")).isEqualTo("Redirection address.");
        assertThat(childText(first, "RedirectTarget")).isEqualTo(NANCY);
        Element second = (Element) users.item(1);
        assertThat(childText(second, "ErrorCode")).isEqualTo("RedirectUrl");
        assertThat(childText(second, "RedirectTarget"))
                .isEqualTo("https://autodiscover.tailspin.example/autodiscover/autodiscover.svc");
    }

    @Test
    void soapRequiresCredentials() throws Exception {
        HttpResponse<String> r = soap(null, List.of(NANCY), List.of("InternalEwsUrl"));
        assertThat(r.statusCode()).isEqualTo(401);
        List<String> challenges = r.headers().allValues("WWW-Authenticate");
        assertThat(challenges).anyMatch(c -> c.startsWith("Basic realm="));
        assertThat(challenges).anyMatch(c -> c.startsWith("Bearer client_id=\"00000002-0000-0ff1-ce00-000000000000\""));
        assertThat(soap(basic(NANCY, "wrong"), List.of(NANCY), List.of("InternalEwsUrl"))
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void soapEmptyRequestIsInvalidRequest() throws Exception {
        HttpResponse<String> r = soap(basic(NANCY, NANCY_PW), List.of(), List.of("InternalEwsUrl"));
        assertThat(r.statusCode()).isEqualTo(200);
        Element response = first(parse(r.body()), AUTOD, "Response");
        assertThat(childText(response, "ErrorCode")).isEqualTo("InvalidRequest");
    }

    // --- POX --------------------------------------------------------------------------------------

    @Test
    void poxSettingsForKnownMailbox() throws Exception {
        HttpResponse<String> r = pox(basic(NANCY, NANCY_PW), NANCY, POX_OUT);
        assertThat(r.statusCode()).isEqualTo(200);
        Document doc = parse(r.body());
        assertThat(doc.getDocumentElement().getNamespaceURI()).isEqualTo(POX_ROOT);
        assertThat(text(doc, POX_OUT, "DisplayName")).isEqualTo("Nancy Davolio");
        assertThat(text(doc, POX_OUT, "AutoDiscoverSMTPAddress")).isEqualTo(NANCY);
        assertThat(text(doc, POX_OUT, "Action")).isEqualTo("settings");
        NodeList protocols = doc.getElementsByTagNameNS(POX_OUT, "Protocol");
        assertThat(protocols.getLength()).isEqualTo(2);
        for (int i = 0; i < 2; i++) {
            Element p = (Element) protocols.item(i);
            assertThat(childText(p, "Type")).isIn("EXCH", "EXPR");
            assertThat(childText(p, "ASUrl")).isEqualTo(base + "/EWS/Exchange.asmx");
            assertThat(childText(p, "EwsUrl")).isEqualTo(base + "/EWS/Exchange.asmx");
        }
    }

    @Test
    void poxErrors() throws Exception {
        HttpResponse<String> unknown = pox(basic(NANCY, NANCY_PW), "ghost@northwind.local", POX_OUT);
        assertThat(unknown.statusCode()).isEqualTo(200);
        Document doc = parse(unknown.body());
        assertThat(text(doc, POX_ROOT, "ErrorCode")).isEqualTo("500");
        assertThat(text(doc, POX_ROOT, "Message")).isEqualTo("The email address can't be found.");
        Element error = first(doc, POX_ROOT, "Error");
        assertThat(error.getAttribute("Time")).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{7}");
        assertThat(error.getAttribute("Id")).matches("\\d+");

        HttpResponse<String> schema = pox(
                basic(NANCY, NANCY_PW),
                NANCY,
                "http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006");
        assertThat(text(parse(schema.body()), POX_ROOT, "ErrorCode")).isEqualTo("601");

        assertThat(pox(null, NANCY, POX_OUT).statusCode()).isEqualTo(401);
        HttpResponse<String> unauth = pox(null, NANCY, POX_OUT);
        assertThat(unauth.headers().allValues("WWW-Authenticate")).hasSize(2);
    }

    @Test
    void poxRedirects() throws Exception {
        autodiscover.redirect("fabrikam.example", "elvin@northwind.local");
        autodiscover.redirect("tailspin.example", "https://mail.tailspin.example/autodiscover/autodiscover.svc");
        Document addr =
                parse(pox(basic(NANCY, NANCY_PW), "a@fabrikam.example", POX_OUT).body());
        assertThat(text(addr, POX_OUT, "Action")).isEqualTo("redirectAddr");
        assertThat(text(addr, POX_OUT, "RedirectAddr")).isEqualTo("elvin@northwind.local");
        Document url =
                parse(pox(basic(NANCY, NANCY_PW), "a@tailspin.example", POX_OUT).body());
        assertThat(text(url, POX_OUT, "Action")).isEqualTo("redirectUrl");
        assertThat(text(url, POX_OUT, "RedirectUrl"))
                .isEqualTo("https://mail.tailspin.example/autodiscover/autodiscover.xml");
    }

    @Test
    void hostileXmlIsRefused() throws Exception {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE Autodiscover [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
                + "<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006\">"
                + "<Request><EMailAddress>&xxe;</EMailAddress><AcceptableResponseSchema>" + POX_OUT
                + "</AcceptableResponseSchema></Request></Autodiscover>";
        HttpResponse<String> pox = post("/autodiscover/autodiscover.xml", basic(NANCY, NANCY_PW), xxe, "text/xml");
        assertThat(pox.statusCode()).isEqualTo(200);
        Document doc = parse(pox.body());
        assertThat(text(doc, POX_ROOT, "ErrorCode")).isEqualTo("600");
        assertThat(text(doc, POX_ROOT, "Message")).isEqualTo("Invalid Request");
        assertThat(text(doc, POX_ROOT, "DebugData")).contains("DTD");
        assertThat(pox.body()).doesNotContain("root:");

        String laughs = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
                + "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>"
                + "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>&lol2;</s:Body></s:Envelope>";
        HttpResponse<String> soap = post("/autodiscover/autodiscover.svc", basic(NANCY, NANCY_PW), laughs, "text/xml");
        assertThat(soap.statusCode()).isEqualTo(400);
        assertThat(soap.body()).contains("<faultcode>s:Client</faultcode>").contains("DTD");

        HttpResponse<String> broken =
                post("/autodiscover/autodiscover.svc", basic(NANCY, NANCY_PW), "<a><b></a>", "text/xml");
        assertThat(broken.statusCode()).isEqualTo(400);
        assertThat(broken.body()).contains("not well-formed");
    }

    // --- v2 JSON ----------------------------------------------------------------------------------

    @Test
    void jsonV2IsAnonymous() throws Exception {
        HttpResponse<String> q =
                get("/autodiscover/autodiscover.json?Email=" + enc(ADELE) + "&Protocol=EWS&RedirectCount=1");
        assertThat(q.statusCode()).isEqualTo(200);
        assertThat(q.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode body = JSON.readTree(q.body());
        assertThat(body.path("Protocol").asText()).isEqualTo("EWS");
        assertThat(body.path("Url").asText()).isEqualTo(base + "/EWS/Exchange.asmx");
        assertThat(body.size()).isEqualTo(2);

        HttpResponse<String> p = get("/autodiscover/autodiscover.json/v1.0/" + NANCY + "?Protocol=AutodiscoverV1");
        JsonNode v1 = JSON.readTree(p.body());
        assertThat(v1.path("Protocol").asText()).isEqualTo("AutodiscoverV1");
        assertThat(v1.path("Url").asText()).isEqualTo(base + "/autodiscover/autodiscover.xml");

        HttpResponse<String> unknown = get("/autodiscover/autodiscover.json/v1.0/ghost@contoso.com?Protocol=EWS");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).path("ErrorCode").asText()).isEqualTo("InvalidUser");

        HttpResponse<String> badProtocol = get("/autodiscover/autodiscover.json/v1.0/" + ADELE + "?Protocol=Carrier");
        assertThat(badProtocol.statusCode()).isEqualTo(400);
        JsonNode err = JSON.readTree(badProtocol.body());
        assertThat(err.path("ErrorCode").asText()).isEqualTo("InvalidProtocol");
        assertThat(err.path("ErrorMessage").asText()).startsWith("The given protocol value 'Carrier' is invalid.");
    }

    @Test
    void jsonV2Redirects() throws Exception {
        autodiscover.redirect("fabrikam.example", "contoso.onmicrosoft.com");
        HttpResponse<String> r = get("/autodiscover/autodiscover.json/v1.0/adele.vance@fabrikam.example?Protocol=EWS");
        assertThat(r.statusCode()).isEqualTo(302);
        String location = r.headers().firstValue("Location").orElseThrow();
        assertThat(location)
                .isEqualTo(
                        base + "/autodiscover/autodiscover.json?Email=" + enc(ADELE) + "&Protocol=EWS&RedirectCount=1");
        HttpResponse<String> followed = http.send(
                HttpRequest.newBuilder(URI.create(location)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(JSON.readTree(followed.body()).path("Url").asText()).isEqualTo(base + "/EWS/Exchange.asmx");
    }

    // --- plain HTTP, injected failures, request log -------------------------------------------------

    @Test
    void httpRedirectMethodAndNoCredentialsOverHttp() throws Exception {
        String httpBase = emulator.httpUrl().orElseThrow().toString();
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(httpBase + "/autodiscover/autodiscover.xml"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location").orElseThrow()).isEqualTo(base + "/autodiscover/autodiscover.xml");

        autodiscover.httpRedirectLocation("https://autodiscover-s.outlook.com/autodiscover/autodiscover.xml");
        try {
            HttpResponse<String> custom = http.send(
                    HttpRequest.newBuilder(URI.create(httpBase + "/Autodiscover/Autodiscover.xml"))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(custom.headers().firstValue("Location").orElseThrow())
                    .isEqualTo("https://autodiscover-s.outlook.com/autodiscover/autodiscover.xml");
        } finally {
            autodiscover.httpRedirectLocation(null);
        }

        HttpResponse<String> leaked = http.send(
                HttpRequest.newBuilder(URI.create(httpBase + "/autodiscover/autodiscover.xml"))
                        .header("Authorization", basic(NANCY, NANCY_PW))
                        .POST(HttpRequest.BodyPublishers.ofString(poxBody(NANCY, POX_OUT)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(leaked.statusCode()).isEqualTo(403);
        assertThat(autodiscover.requests())
                .anyMatch(h -> h.scheme().equals("http") && h.sentCredentials() && h.status() == 403);
        assertThat(autodiscover.requests())
                .filteredOn(h -> h.surface() == Surface.HTTP_REDIRECT)
                .hasSize(2)
                .allMatch(h -> !h.sentCredentials() && h.status() == 302);
    }

    @Test
    void injectedFailuresLetClientsWalkTheCandidateList() throws Exception {
        autodiscover.fail(Failure.status(Surface.POX, 500).withTimes(1));
        autodiscover.fail(Failure.status(Surface.SOAP, 404).onHost("localhost"));
        assertThat(pox(basic(NANCY, NANCY_PW), NANCY, POX_OUT).statusCode()).isEqualTo(500);
        assertThat(pox(basic(NANCY, NANCY_PW), NANCY, POX_OUT).statusCode()).isEqualTo(200);
        assertThat(soap(basic(NANCY, NANCY_PW), List.of(NANCY), List.of("InternalEwsUrl"))
                        .statusCode())
                .isEqualTo(404);
        autodiscover.clearFailures();
        autodiscover.fail(Failure.status(null, 401));
        HttpResponse<String> unauthorized = get("/autodiscover/autodiscover.json/v1.0/" + ADELE + "?Protocol=EWS");
        assertThat(unauthorized.statusCode()).isEqualTo(401);
        assertThat(unauthorized.headers().allValues("WWW-Authenticate")).isNotEmpty();
        autodiscover.clearFailures();

        autodiscover.hangFor(Duration.ofSeconds(30));
        autodiscover.fail(Failure.hang(Surface.JSON));
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create(base + "/autodiscover/autodiscover.json/v1.0/" + ADELE + "?Protocol=EWS"))
                .timeout(Duration.ofMillis(700))
                .GET()
                .build();
        assertThatThrownBy(() -> http.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);
        autodiscover.clearFailures();
        assertThat(get("/autodiscover/autodiscover.json/v1.0/" + ADELE + "?Protocol=EWS")
                        .statusCode())
                .isEqualTo(200);

        autodiscover.hangFor(Duration.ofMillis(200));
        autodiscover.fail(Failure.hang(Surface.JSON).withTimes(1));
        assertThat(get("/autodiscover/autodiscover.json/v1.0/" + ADELE + "?Protocol=EWS")
                        .statusCode())
                .isEqualTo(504);
    }

    @Test
    void describeNamesTheSoapEndpoint() {
        assertThat(emulator.describe().path("autodiscover").asText())
                .isEqualTo(base + "/autodiscover/autodiscover.svc");
    }

    @Test
    void redirectsAndFailuresFromConfiguration() throws Exception {
        String config;
        try (var in = Emulator.class.getResourceAsStream(Emulator.DEFAULT_CONFIG)) {
            config = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        config += """

                autodiscover:
                  redirects:
                    - {domain: fabrikam.example, to: northwind.local}
                  failures:
                    - {surface: json, status: 503, times: 1}
                """;
        try (Emulator other = Emulator.start(
                EmulatorOptions.builder().httpsPort(0).configText(config).build())) {
            String otherBase = other.loginUrl().toString();
            HttpClient client =
                    HttpClient.newBuilder().sslContext(other.sslContext()).build();
            HttpRequest json = HttpRequest.newBuilder(URI.create(otherBase
                            + "/autodiscover/autodiscover.json/v1.0/nancy.davolio@fabrikam.example?Protocol=EWS"))
                    .build();
            assertThat(client.send(json, HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(503);
            HttpResponse<String> redirected = client.send(json, HttpResponse.BodyHandlers.ofString());
            assertThat(redirected.statusCode()).isEqualTo(302);
            assertThat(redirected.headers().firstValue("Location").orElseThrow())
                    .contains("Email=" + enc(NANCY));
        }
        assertThatThrownBy(() -> Emulator.start(EmulatorOptions.builder()
                        .httpsPort(0)
                        .configText("autodiscover:\n  redirects:\n    - {domain: x.example}\n")
                        .build()))
                .hasStackTraceContaining("needs 'domain' and 'to'");
    }

    // --- helpers ----------------------------------------------------------------------------------

    static String appToken() throws IOException, InterruptedException {
        String form = "grant_type=client_credentials&client_id=" + WEB_APP + "&client_secret=" + enc(WEB_SECRET)
                + "&scope=" + enc("https://outlook.office365.com/.default");
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(base + "/" + TENANT + "/oauth2/v2.0/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("access_token").asText();
    }

    static HttpResponse<String> soap(String authorization, List<String> mailboxes, List<String> settings)
            throws IOException, InterruptedException {
        StringBuilder users = new StringBuilder();
        for (String m : mailboxes) {
            users.append("<a:User><a:Mailbox>").append(m).append("</a:Mailbox></a:User>");
        }
        StringBuilder requested = new StringBuilder();
        for (String s : settings) {
            requested.append("<a:Setting>").append(s).append("</a:Setting>");
        }
        String body = "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
                + "<soap:Envelope xmlns:a=\"" + AUTOD + "\" xmlns:wsa=\"http://www.w3.org/2005/08/addressing\""
                + " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">"
                + "<soap:Header><a:RequestedServerVersion>Exchange2010</a:RequestedServerVersion>"
                + "<wsa:Action>" + AUTOD + "/Autodiscover/GetUserSettings</wsa:Action>"
                + "<wsa:To>" + base + "/autodiscover/autodiscover.svc</wsa:To></soap:Header>"
                + "<soap:Body><a:GetUserSettingsRequestMessage xmlns:a=\"" + AUTOD + "\"><a:Request>"
                + "<a:Users>" + users + "</a:Users><a:RequestedSettings>" + requested + "</a:RequestedSettings>"
                + "</a:Request></a:GetUserSettingsRequestMessage></soap:Body></soap:Envelope>";
        return post("/autodiscover/autodiscover.svc", authorization, body, "text/xml; charset=utf-8");
    }

    static String poxBody(String address, String schema) {
        return "<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006\">"
                + "<Request><EMailAddress>" + address + "</EMailAddress><AcceptableResponseSchema>" + schema
                + "</AcceptableResponseSchema></Request></Autodiscover>";
    }

    static HttpResponse<String> pox(String authorization, String address, String schema)
            throws IOException, InterruptedException {
        return post("/Autodiscover/Autodiscover.xml", authorization, poxBody(address, schema), "text/xml");
    }

    static HttpResponse<String> post(String path, String authorization, String body, String contentType)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(base + pathAndQuery)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    static Element first(Document doc, String ns, String name) {
        NodeList list = doc.getElementsByTagNameNS(ns, name);
        assertThat(list.getLength()).as("<%s> in the response", name).isPositive();
        return (Element) list.item(0);
    }

    static String text(Document doc, String ns, String name) {
        return first(doc, ns, name).getTextContent();
    }

    static String childText(Element parent, String name) {
        for (var n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getLocalName().equals(name)) {
                return e.getTextContent();
            }
        }
        return null;
    }

    /** The Value of the UserSetting named {@code name} (first user). */
    static String setting(Document doc, String name) {
        List<String> values = new ArrayList<>();
        NodeList settings = doc.getElementsByTagNameNS(AUTOD, "UserSetting");
        for (int i = 0; i < settings.getLength(); i++) {
            Element s = (Element) settings.item(i);
            if (name.equals(childText(s, "Name"))) {
                values.add(childText(s, "Value"));
            }
        }
        assertThat(values).as("setting %s", name).isNotEmpty();
        return values.get(0);
    }
}
