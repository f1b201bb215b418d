package dev.mailbridge.ews;

import static dev.mailbridge.ews.support.Fixtures.response;
import static dev.mailbridge.ews.support.Fixtures.success;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailbridge.ews.error.EwsProtocolException;
import dev.mailbridge.ews.error.EwsUnsafeResponseException;
import dev.mailbridge.ews.model.FolderRef;
import dev.mailbridge.ews.model.ItemId;
import dev.mailbridge.ews.support.EwsSchema;
import dev.mailbridge.ews.support.FakeExchange;
import dev.mailbridge.ews.support.Fixtures;
import dev.mailbridge.ews.xml.XmlLimits;
import dev.mailbridge.identity.Secret;
import dev.mailbridge.identity.credential.BasicCredential;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A hostile or broken server cannot make the parser expand entities, read files or exhaust memory. */
class HostileResponseTest {
    private static final String ENV_OPEN = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>";
    private static final String ENV_CLOSE = "</s:Body></s:Envelope>";

    private FakeExchange exchange;
    private EwsSchema.Validating schema;

    @BeforeEach
    void start() throws Exception {
        exchange = new FakeExchange();
        schema = new EwsSchema.Validating();
    }

    @AfterEach
    void stop() {
        exchange.close();
    }

    private EwsClient client(XmlLimits limits) {
        return EwsProtocol.builder(exchange.url())
                .xmlLimits(limits)
                .requestObserver(schema)
                .build()
                .client(SignIn.basic(BasicCredential.of("user@northwind.local", Secret.of("pw"))));
    }

    private void serve(String xml) {
        exchange.then(FakeExchange.raw(200, "text/xml; charset=utf-8", xml));
    }

    @Test
    void internalEntityDtdIsRefused() {
        serve("<?xml version=\"1.0\"?><!DOCTYPE s:Envelope [<!ENTITY x \"Inbox\">]>" + ENV_OPEN
                + response(
                        "GetFolder",
                        success(
                                "GetFolder",
                                "<m:Folders><t:Folder><t:DisplayName>&x;</t:DisplayName></t:Folder></m:Folders>"))
                + ENV_CLOSE);
        assertThatThrownBy(() -> client(XmlLimits.defaults()).folder(FolderRef.inbox()))
                .isInstanceOf(EwsUnsafeResponseException.class)
                .hasMessageContaining("DTD");
    }

    @Test
    void billionLaughsIsRefused() {
        StringBuilder dtd = new StringBuilder("<!DOCTYPE lolz [<!ENTITY lol \"lol\">");
        for (int i = 1; i <= 9; i++) {
            dtd.append("<!ENTITY lol").append(i).append(" \"");
            dtd.append(("&lol" + (i == 1 ? "" : i - 1) + ";").repeat(10)).append("\">");
        }
        dtd.append("]>");
        serve(dtd + ENV_OPEN + "<x>&lol9;</x>" + ENV_CLOSE);
        assertThatThrownBy(() -> client(XmlLimits.defaults()).folder(FolderRef.inbox()))
                .isInstanceOf(EwsUnsafeResponseException.class);
    }

    @Test
    void externalEntityIsNeverRead(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "TOP-SECRET");
        serve("<?xml version=\"1.0\"?><!DOCTYPE s:Envelope [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>"
                + ENV_OPEN
                + response(
                        "GetFolder",
                        success(
                                "GetFolder",
                                "<m:Folders><t:Folder><t:DisplayName>&xxe;</t:DisplayName></t:Folder></m:Folders>"))
                + ENV_CLOSE);
        assertThatThrownBy(() -> client(XmlLimits.defaults()).folder(FolderRef.inbox()))
                .isInstanceOf(EwsUnsafeResponseException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("TOP-SECRET"));
    }

    @Test
    void undeclaredEntityWithoutDtdIsRefused() {
        serve(ENV_OPEN
                + response(
                        "GetFolder",
                        success(
                                "GetFolder",
                                "<m:Folders><t:Folder><t:DisplayName>&x;</t:DisplayName></t:Folder></m:Folders>"))
                + ENV_CLOSE);
        assertThatThrownBy(() -> client(XmlLimits.defaults()).folder(FolderRef.inbox()))
                .isInstanceOf(EwsProtocolException.class);
    }

    @Test
    void deepNestingIsRefused() {
        serve(ENV_OPEN
                + response(
                        "GetFolder",
                        success(
                                "GetFolder",
                                "<m:Folders><t:Folder>" + "<t:a>".repeat(5000) + "</t:a>".repeat(5000)
                                        + "</t:Folder></m:Folders>"))
                + ENV_CLOSE);
        assertThatThrownBy(() -> client(XmlLimits.defaults()).folder(FolderRef.inbox()))
                .isInstanceOf(EwsUnsafeResponseException.class)
                .hasMessageContaining("unsafe");
    }

    @Test
    void hugeAttributeIsRefused() {
        serve(ENV_OPEN
                + response(
                        "GetFolder",
                        success(
                                "GetFolder",
                                "<m:Folders><t:Folder><t:FolderId Id=\"" + "A".repeat(200_000)
                                        + "\"/></t:Folder></m:Folders>"))
                + ENV_CLOSE);
        assertThatThrownBy(() -> client(XmlLimits.defaults()).folder(FolderRef.inbox()))
                .isInstanceOf(EwsUnsafeResponseException.class);
    }

    @Test
    void tooManyElementsIsRefusedWhileStreaming() {
        exchange.then((ex, req) -> {
            ex.getResponseHeaders().add("Content-Type", "text/xml");
            ex.sendResponseHeaders(200, 0);
            try (Writer w = new java.io.OutputStreamWriter(ex.getResponseBody(), StandardCharsets.UTF_8)) {
                w.write(ENV_OPEN + "<m:GetFolderResponse" + Fixtures.NS + "><m:ResponseMessages>");
                for (int i = 0; i < 50_000; i++) {
                    w.write("<x/>");
                }
                w.write("</m:ResponseMessages></m:GetFolderResponse>" + ENV_CLOSE);
            } catch (java.io.IOException clientGaveUp) {
                // expected: the client stops reading
            }
        });
        assertThatThrownBy(() ->
                        client(XmlLimits.defaults().withMaxElementCount(10_000)).folder(FolderRef.inbox()))
                .isInstanceOf(EwsUnsafeResponseException.class);
    }

    @Test
    void hugeDocumentIsRefused() {
        serve(ENV_OPEN
                + response(
                        "GetFolder",
                        success(
                                "GetFolder",
                                "<m:Folders><t:Folder><t:DisplayName>" + "x".repeat(3_000_000)
                                        + "</t:DisplayName></t:Folder></m:Folders>"))
                + ENV_CLOSE);
        assertThatThrownBy(() -> client(XmlLimits.defaults().withMaxDocumentCharacters(1_000_000))
                        .folder(FolderRef.inbox()))
                .isInstanceOf(EwsUnsafeResponseException.class);
        serve(ENV_OPEN
                + response(
                        "GetFolder",
                        success(
                                "GetFolder",
                                "<m:Folders><t:Folder><t:DisplayName>" + "x".repeat(3_000_000)
                                        + "</t:DisplayName></t:Folder></m:Folders>"))
                + ENV_CLOSE);
        assertThatThrownBy(() -> client(XmlLimits.defaults().withMaxTextLength(1_000_000))
                        .folder(FolderRef.inbox()))
                .isInstanceOf(EwsUnsafeResponseException.class);
    }

    @Test
    void htmlLoginPageIsAClearProtocolError() {
        exchange.then(FakeExchange.raw(200, "text/html", "<html><body>Sign in<br></body></html>"));
        assertThatThrownBy(() -> client(XmlLimits.defaults()).folder(FolderRef.inbox()))
                .isInstanceOf(EwsProtocolException.class)
                .hasMessageContaining("/EWS/Exchange.asmx");
    }

    @Test
    void rightLocalNamesInAWrongNamespaceAreNotAccepted() {
        serve(ENV_OPEN + "<m:GetFolderResponse xmlns:m=\"urn:not-exchange\"/>" + ENV_CLOSE);
        assertThatThrownBy(() -> client(XmlLimits.defaults()).folder(FolderRef.inbox()))
                .isInstanceOf(EwsProtocolException.class)
                .hasMessageContaining("Expected GetFolderResponse");
    }

    /**
     * 24 MiB of MIME is decoded into the sink while the text limit is 1 MiB: the content is never held
     * as one string.
     */
    @Test
    void largeMimeIsStreamedNotBuffered() throws Exception {
        int size = 24 * 1024 * 1024;
        Random random = new Random(42);
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        exchange.then((ex, req) -> {
            ex.getResponseHeaders().add("Content-Type", "text/xml; charset=utf-8");
            ex.sendResponseHeaders(200, 0);
            try (OutputStream raw = ex.getResponseBody()) {
                raw.write(("<?xml version=\"1.0\" encoding=\"utf-8\"?>" + ENV_OPEN + "<m:GetItemResponse" + Fixtures.NS
                                + "><m:ResponseMessages><m:GetItemResponseMessage ResponseClass=\"Success\">"
                                + "<m:ResponseCode>NoError</m:ResponseCode><m:Items><t:Message><t:MimeContent CharacterSet=\"UTF-8\">")
                        .getBytes(StandardCharsets.UTF_8));
                OutputStream b64 = Base64.getEncoder().wrap(new java.io.FilterOutputStream(raw) {
                    @Override
                    public void close() throws java.io.IOException {
                        flush();
                    }
                });
                byte[] chunk = new byte[48 * 1024];
                for (int done = 0; done < size; done += chunk.length) {
                    random.nextBytes(chunk);
                    sent.update(chunk);
                    b64.write(chunk);
                }
                b64.close();
                raw.write(("</t:MimeContent><t:ItemId Id=\"BIG\" ChangeKey=\"1\"/></t:Message></m:Items>"
                                + "</m:GetItemResponseMessage></m:ResponseMessages></m:GetItemResponse>" + ENV_CLOSE)
                        .getBytes(StandardCharsets.UTF_8));
            }
        });
        MessageDigest received = MessageDigest.getInstance("SHA-256");
        long n = client(XmlLimits.defaults().withMaxTextLength(1024 * 1024))
                .downloadMime(ItemId.of("BIG"), new DigestOutputStream(OutputStream.nullOutputStream(), received));
        assertThat(n).isEqualTo(size);
        assertThat(HexFormat.of().formatHex(received.digest()))
                .isEqualTo(HexFormat.of().formatHex(sent.digest()));
        assertThat(schema.validated()).containsExactly("GetItem");
    }
}
