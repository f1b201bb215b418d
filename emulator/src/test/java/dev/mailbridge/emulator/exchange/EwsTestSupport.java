package dev.mailbridge.emulator.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.entra.EntraFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Talks SOAP to the emulator's EWS endpoint, validating every request and response against Microsoft's schema. */
final class EwsTestSupport {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String M = "http://schemas.microsoft.com/exchange/services/2006/messages";
    static final String T = "http://schemas.microsoft.com/exchange/services/2006/types";
    static final String TENANT = "contoso.onmicrosoft.com";
    static final String WEB_APP = "c0a7c0a7-0000-4000-8000-0000000000a1";
    static final String WEB_SECRET = "Mbr8Q~emulator.web.app.secret.value.0001";
    static final String ADELE = "adele.vance@contoso.onmicrosoft.com";
    static final String ADMIN = "admin@contoso.onmicrosoft.com";
    static final String NANCY = "nancy.davolio@northwind.local";
    static final String EWS_SERVICE = "ews.service@northwind.local";

    final Emulator emulator;
    final String base;
    final HttpClient http = HttpClient.newHttpClient();

    EwsTestSupport(Emulator emulator) {
        this.emulator = emulator;
        this.base = emulator.httpUrl().orElseThrow().toString();
    }

    String ewsUrl() {
        return base + "/EWS/Exchange.asmx";
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    // ----- tokens -----

    String appToken(String scope) throws Exception {
        return EntraFixture.clientCredentialsToken(emulator, base, WEB_APP, WEB_SECRET, scope);
    }

    String appToken() throws Exception {
        return appToken("https://outlook.office365.com/.default");
    }

    /** Authorization-code flow through the sign-in page, as a browser would. */
    String userToken(String upn, String password, String scope) throws Exception {
        return EntraFixture.authorizationCodeToken(emulator, base, upn, password, scope);
    }

    String adeleToken() throws Exception {
        return userToken(ADELE, "Adele-Passw0rd!", "https://outlook.office365.com/EWS.AccessAsUser.All");
    }

    // ----- SOAP -----

    static String envelope(String header, String body) {
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\""
                + " xmlns:m=\"" + M + "\" xmlns:t=\"" + T
                + "\">\n<soap:Header><t:RequestServerVersion Version=\"Exchange2016\"/>"
                + (header == null ? "" : header) + "</soap:Header>\n<soap:Body>" + body
                + "</soap:Body>\n</soap:Envelope>";
    }

    static String impersonate(String smtp) {
        return "<t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress>" + smtp
                + "</t:SmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>";
    }

    record Soap(int status, HttpResponse<String> http, Document doc) {
        String body() {
            return http.body();
        }

        String header(String name) {
            return http.headers().firstValue(name).orElse(null);
        }

        String text(String xpath) throws Exception {
            return (String) XPathFactory.newInstance().newXPath().evaluate(xpath, doc, XPathConstants.STRING);
        }

        /** Elements by local name anywhere in the answer. */
        List<Element> all(String localName) {
            NodeList nl = doc.getElementsByTagNameNS("*", localName);
            List<Element> out = new java.util.ArrayList<>();
            for (int i = 0; i < nl.getLength(); i++) {
                out.add((Element) nl.item(i));
            }
            return out;
        }

        String first(String localName) {
            List<Element> l = all(localName);
            return l.isEmpty() ? null : l.get(0).getTextContent();
        }

        String attr(String localName, String attr) {
            List<Element> l = all(localName);
            return l.isEmpty() ? null : l.get(0).getAttribute(attr);
        }

        String responseCode() {
            return first("ResponseCode");
        }
    }

    /** Sends a request whose XML must be schema-valid; validates the answer too. */
    Soap call(String authorization, String header, String body, Map<String, String> extraHeaders) throws Exception {
        String xml = envelope(header, body);
        EwsSchemaValidator.validateEnvelope(xml);
        return raw(authorization, xml, extraHeaders);
    }

    Soap call(String authorization, String header, String body) throws Exception {
        return call(authorization, header, body, Map.of());
    }

    /** Sends any bytes (for hostile or malformed requests); validates XML answers. */
    Soap raw(String authorization, String xml, Map<String, String> extraHeaders) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(ewsUrl()))
                .header("Content-Type", "text/xml; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(xml));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        extraHeaders.forEach(b::header);
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        Document doc = null;
        if (r.headers().firstValue("Content-Type").orElse("").startsWith("text/xml")) {
            doc = EwsSchemaValidator.validateEnvelope(EwsSchemaValidator.streamingErratum(r.body()));
            assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
        }
        return new Soap(r.statusCode(), r, doc);
    }

    JsonNode control(String method, String path, String body) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(base + "/_emulator/exchange" + path))
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    static byte[] mime(String from, String to, String subject, String body) {
        return ("From: " + from + "\r\nTo: " + to + "\r\nSubject: " + subject + "\r\nMessage-ID: <"
                        + java.util.UUID.randomUUID()
                        + "@example.com>\r\nDate: Mon, 2 Mar 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"
                        + body + "\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    static byte[] mimeWithAttachment(String from, String to, String subject) {
        return ("From: " + from + "\r\nTo: " + to + "\r\nSubject: " + subject
                        + "\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nSee attached.\r\n--b1\r\n"
                        + "Content-Type: application/pdf; name=\"invoice.pdf\"\r\nContent-Disposition: attachment; filename=\"invoice.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                        + Base64.getEncoder().encodeToString("%PDF-1.4 fake".getBytes(StandardCharsets.US_ASCII))
                        + "\r\n--b1--\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }
}
