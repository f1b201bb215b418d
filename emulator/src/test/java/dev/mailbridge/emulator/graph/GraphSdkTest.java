package dev.mailbridge.emulator.graph;

import static dev.mailbridge.emulator.graph.GraphTestSupport.ADELE;
import static dev.mailbridge.emulator.graph.GraphTestSupport.ADMIN;
import static dev.mailbridge.emulator.graph.GraphTestSupport.mime;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.core.requests.GraphClientFactory;
import com.microsoft.graph.core.tasks.PageIterator;
import com.microsoft.graph.models.BodyType;
import com.microsoft.graph.models.EmailAddress;
import com.microsoft.graph.models.ItemBody;
import com.microsoft.graph.models.MailFolder;
import com.microsoft.graph.models.Message;
import com.microsoft.graph.models.MessageCollectionResponse;
import com.microsoft.graph.models.Recipient;
import com.microsoft.graph.models.Subscription;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.graph.users.item.mailfolders.item.messages.delta.DeltaGetResponse;
import com.microsoft.graph.users.item.sendmail.SendMailPostRequestBody;
import com.microsoft.kiota.authentication.AzureIdentityAuthenticationProvider;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.EmulatorOptions;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * Microsoft's Graph Java SDK (v6, Kiota) drives the emulator: a token from the emulator's Entra
 * through a TokenCredential, the emulator's CA trusted by OkHttp, the base URL pointed at /v1.0.
 */
class GraphSdkTest {
    static Emulator emulator;
    static GraphTestSupport g;
    static GraphServiceClient client;

    @BeforeAll
    static void start() throws Exception {
        emulator = Emulator.start(EmulatorOptions.builder().httpsPort(0).build());
        g = new GraphTestSupport(emulator);
        String token = g.appToken();
        TokenCredential credential =
                request -> Mono.just(new AccessToken(token, OffsetDateTime.now().plusMinutes(50)));
        AzureIdentityAuthenticationProvider auth = new AzureIdentityAuthenticationProvider(
                credential, new String[] {"localhost"}, GraphTestSupport.GRAPH_DEFAULT);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(emulator.trustStore());
        OkHttpClient http = GraphClientFactory.create()
                .sslSocketFactory(
                        emulator.sslContext().getSocketFactory(), (X509TrustManager) tmf.getTrustManagers()[0])
                .build();
        client = new GraphServiceClient(auth, http);
        client.getRequestAdapter().setBaseUrl(g.graph);
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    private static String folder(String name, int messages) {
        MailFolder f = new MailFolder();
        f.setDisplayName(name);
        String id = client.users().byUserId(ADELE).mailFolders().post(f).getId();
        for (int i = 1; i <= messages; i++) {
            emulator.exchange()
                    .store()
                    .deliver(ADELE, name, mime("bob@example.com", ADELE, name + " " + i, "Body " + i));
        }
        return id;
    }

    @Test
    void listWithSelectAndTopThroughThePageIterator() throws Exception {
        String folder = folder("SdkList", 5);
        MessageCollectionResponse first = client.users()
                .byUserId(ADELE)
                .mailFolders()
                .byMailFolderId(folder)
                .messages()
                .get(rc -> {
                    rc.queryParameters.select = new String[] {"subject", "isRead", "receivedDateTime"};
                    rc.queryParameters.top = 2;
                });
        assertThat(first.getValue()).hasSize(2);
        assertThat(first.getOdataNextLink()).isNotNull();
        assertThat(first.getValue().get(0).getIsRead()).isFalse();
        assertThat(first.getValue().get(0).getReceivedDateTime()).isNotNull();
        List<String> subjects = new ArrayList<>();
        new PageIterator.Builder<Message, MessageCollectionResponse>()
                .client(client)
                .collectionPage(first)
                .collectionPageFactory(MessageCollectionResponse::createFromDiscriminatorValue)
                .processPageItemCallback(m -> subjects.add(m.getSubject()))
                .build()
                .iterate();
        assertThat(subjects).containsExactly("SdkList 5", "SdkList 4", "SdkList 3", "SdkList 2", "SdkList 1");

        assertThatThrownBy(() -> client.users()
                        .byUserId(ADELE)
                        .messages()
                        .byMessageId("AAMkNope")
                        .get())
                .isInstanceOfSatisfying(ODataError.class, e -> {
                    assertThat(e.getResponseStatusCode()).isEqualTo(404);
                    assertThat(e.getError().getCode()).isEqualTo("ErrorItemNotFound");
                    assertThat(e.getError().getInnerError().getRequestId()).isNotBlank();
                });
    }

    @Test
    void deltaToCompletionThenANewMessageInTheNextRound() throws Exception {
        String folder = folder("SdkDelta", 3);
        var delta = client.users()
                .byUserId(ADELE)
                .mailFolders()
                .byMailFolderId(folder)
                .messages()
                .delta();
        DeltaGetResponse page = delta.get(rc -> {
            rc.queryParameters.select = new String[] {"subject"};
            rc.headers.add("Prefer", "odata.maxpagesize=2");
        });
        List<String> subjects = new ArrayList<>();
        int pages = 1;
        page.getValue().forEach(m -> subjects.add(m.getSubject()));
        while (page.getOdataNextLink() != null) {
            page = delta.withUrl(page.getOdataNextLink()).get();
            page.getValue().forEach(m -> subjects.add(m.getSubject()));
            pages++;
        }
        assertThat(pages).isEqualTo(2);
        assertThat(subjects).containsExactlyInAnyOrder("SdkDelta 1", "SdkDelta 2", "SdkDelta 3");
        String deltaLink = page.getOdataDeltaLink();
        assertThat(deltaLink).contains("$deltatoken=");

        emulator.exchange().store().deliver(ADELE, "SdkDelta", mime("eve@example.com", ADELE, "SdkDelta new", "New"));
        DeltaGetResponse next = delta.withUrl(deltaLink).get();
        assertThat(next.getValue()).extracting(Message::getSubject).containsExactly("SdkDelta new");
        assertThat(next.getOdataDeltaLink()).isNotNull();
    }

    @Test
    void mimeOfAMessage() throws Exception {
        String ewsId =
                emulator.exchange().store().deliver(ADELE, mime("fred@example.com", ADELE, "SDK MIME", "Raw MIME"));
        String id = RestIds.toRest(ewsId);
        try (InputStream in = client.users()
                .byUserId(ADELE)
                .messages()
                .byMessageId(id)
                .content()
                .get()) {
            String mimeText = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(mimeText).contains("Subject: SDK MIME").contains("Raw MIME");
        }
        Message m = client.users().byUserId(ADELE).messages().byMessageId(id).get();
        assertThat(m.getSubject()).isEqualTo("SDK MIME");
        assertThat(m.getFrom().getEmailAddress().getAddress()).isEqualTo("fred@example.com");
        assertThat(m.getBody().getContentType()).isEqualTo(BodyType.Html);
        assertThat(m.getId()).isEqualTo(id);
        // The SDK encodes the EWS id in the path; Graph still refuses it.
        assertThatThrownBy(() -> client.users()
                        .byUserId(ADELE)
                        .messages()
                        .byMessageId(ewsId)
                        .get())
                .isInstanceOfSatisfying(ODataError.class, e -> {
                    assertThat(e.getResponseStatusCode()).isEqualTo(400);
                    assertThat(e.getError().getCode()).isEqualTo("ErrorInvalidIdMalformed");
                    assertThat(e.getError().getMessage()).isEqualTo("Id is malformed.");
                });
    }

    @Test
    void sendMailLandsInTheRecipientsInboxAndIsVisibleOverEws() throws Exception {
        Message message = new Message();
        message.setSubject("Sent with the Graph SDK");
        ItemBody body = new ItemBody();
        body.setContentType(BodyType.Text);
        body.setContent("Hello from Graph");
        message.setBody(body);
        Recipient to = new Recipient();
        EmailAddress address = new EmailAddress();
        address.setAddress(ADMIN);
        to.setEmailAddress(address);
        message.setToRecipients(List.of(to));
        SendMailPostRequestBody send = new SendMailPostRequestBody();
        send.setMessage(message);
        send.setSaveToSentItems(true);
        client.users().byUserId(ADELE).sendMail().post(send);

        MessageCollectionResponse inbox = client.users()
                .byUserId(ADMIN)
                .mailFolders()
                .byMailFolderId("inbox")
                .messages()
                .get(rc -> rc.queryParameters.filter = "subject eq 'Sent with the Graph SDK'");
        assertThat(inbox.getValue()).hasSize(1);
        assertThat(inbox.getValue().get(0).getFrom().getEmailAddress().getAddress())
                .isEqualTo(ADELE);

        // The same message through EWS: FindItem in the admin's inbox, app-only with impersonation.
        String ews = g.appToken("https://outlook.office365.com/.default");
        String soap =
                "<?xml version=\"1.0\" encoding=\"utf-8\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\""
                        + " xmlns:t=\"http://schemas.microsoft.com/exchange/services/2006/types\""
                        + " xmlns:m=\"http://schemas.microsoft.com/exchange/services/2006/messages\"><s:Header>"
                        + "<t:RequestServerVersion Version=\"Exchange2016\"/><t:ExchangeImpersonation><t:ConnectingSID>"
                        + "<t:SmtpAddress>" + ADMIN
                        + "</t:SmtpAddress></t:ConnectingSID></t:ExchangeImpersonation></s:Header>"
                        + "<s:Body><m:FindItem Traversal=\"Shallow\"><m:ItemShape><t:BaseShape>Default</t:BaseShape></m:ItemShape>"
                        + "<m:ParentFolderIds><t:DistinguishedFolderId Id=\"inbox\"/></m:ParentFolderIds></m:FindItem></s:Body></s:Envelope>";
        HttpResponse<String> r = g.http.send(
                HttpRequest.newBuilder(URI.create(g.base + "/EWS/Exchange.asmx"))
                        .header("Authorization", "Bearer " + ews)
                        .header("X-AnchorMailbox", ADMIN)
                        .header("Content-Type", "text/xml; charset=utf-8")
                        .POST(HttpRequest.BodyPublishers.ofString(soap))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("<t:Subject>Sent with the Graph SDK</t:Subject>");
        assertThat(emulator.exchange().store().subjects(ADELE, "sentitems")).contains("Sent with the Graph SDK");
    }

    @Test
    void subscribeWithTheValidationHandshakeAndGetANotification() throws Exception {
        try (GraphTestSupport.Receiver receiver = new GraphTestSupport.Receiver()) {
            Subscription s = new Subscription();
            s.setChangeType("created");
            s.setNotificationUrl(receiver.url("/graph"));
            s.setResource("users/" + ADELE + "/mailFolders('inbox')/messages");
            s.setExpirationDateTime(OffsetDateTime.now().plusHours(2));
            s.setClientState("sdk-client-state");
            Subscription created = client.subscriptions().post(s);
            assertThat(created.getId()).isNotBlank();
            assertThat(created.getExpirationDateTime()).isNotNull();
            assertThat(receiver.validations).hasSize(1);

            String id = emulator.exchange().store().deliver(ADELE, mime("gil@example.com", ADELE, "Notify me", "Hi"));
            JsonNode n = receiver.next().get("value").get(0);
            assertThat(n.get("subscriptionId").asText()).isEqualTo(created.getId());
            assertThat(n.get("clientState").asText()).isEqualTo("sdk-client-state");
            assertThat(n.get("resourceData").get("id").asText()).isEqualTo(RestIds.toRest(id));

            Subscription renew = new Subscription();
            renew.setExpirationDateTime(OffsetDateTime.now().plusDays(1));
            assertThat(client.subscriptions()
                            .bySubscriptionId(created.getId())
                            .patch(renew)
                            .getExpirationDateTime())
                    .isAfter(OffsetDateTime.now().plusHours(23));
            client.subscriptions().bySubscriptionId(created.getId()).delete();
            assertThatThrownBy(() -> client.subscriptions()
                            .bySubscriptionId(created.getId())
                            .get())
                    .isInstanceOfSatisfying(
                            ODataError.class,
                            e -> assertThat(e.getResponseStatusCode()).isEqualTo(404));
        }
    }
}
