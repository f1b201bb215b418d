package dev.mailbridge.emulator.graph;

import static dev.mailbridge.emulator.graph.GraphTestSupport.ADELE;
import static dev.mailbridge.emulator.graph.GraphTestSupport.ADELE_OID;
import static dev.mailbridge.emulator.graph.GraphTestSupport.ADMIN;
import static dev.mailbridge.emulator.graph.GraphTestSupport.assertError;
import static dev.mailbridge.emulator.graph.GraphTestSupport.mime;
import static dev.mailbridge.emulator.graph.GraphTestSupport.path;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.EmulatorOptions;
import dev.mailbridge.emulator.graph.GraphTestSupport.Answer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Graph emulator over plain HTTPS: every endpoint, Graph's formats and its error shapes. */
class GraphEmulatorTest {
    static Emulator emulator;
    static GraphTestSupport g;
    static String app;
    static String users;

    @BeforeAll
    static void start() throws Exception {
        emulator = Emulator.start(EmulatorOptions.builder().httpsPort(0).build());
        g = new GraphTestSupport(emulator);
        app = g.appToken();
        users = "/users/" + ADELE;
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    /** A new folder under Adele's inbox with {@code n} messages, oldest first; returns its id. */
    static String folderWith(String name, int n) throws Exception {
        Answer f = g.post(users + "/mailFolders/inbox/childFolders", app, "{\"displayName\":\"" + name + "\"}");
        assertThat(f.status()).as(f.text()).isEqualTo(201);
        for (int i = 1; i <= n; i++) {
            emulator.exchange()
                    .store()
                    .deliver(ADELE, name, mime("bob@example.com", ADELE, name + " " + i, "Body " + i));
        }
        return f.json().get("id").asText();
    }

    @Test
    void tokensAreCheckedAsGraphDoes() throws Exception {
        JsonNode e = assertError(g.get("/me/messages", null), 401, "InvalidAuthenticationToken");
        assertThat(e.path("message").asText()).isEqualTo("Access token is empty.");
        Answer garbage = g.get("/me/messages", "not-a-jwt");
        assertThat(assertError(garbage, 401, "InvalidAuthenticationToken")
                        .path("message")
                        .asText())
                .startsWith("CompactToken parsing failed");
        assertThat(garbage.header("WWW-Authenticate")).contains("client_id=\"00000003-0000-0000-c000-000000000000\"");
        String ews = g.appToken("https://outlook.office365.com/.default");
        assertThat(assertError(g.get(users + "/messages", ews), 401, "InvalidAuthenticationToken")
                        .path("message")
                        .asText())
                .contains("Invalid audience");
        assertThat(assertError(g.get("/me/messages", app), 400, "BadRequest")
                        .path("message")
                        .asText())
                .isEqualTo("/me request is only valid with delegated authentication flow.");
        assertError(g.get("/users/nobody@contoso.onmicrosoft.com/messages", app), 404, "ErrorInvalidUser");
        Answer withClientId = g.get("/users/nobody@contoso.onmicrosoft.com", app, "client-request-id", "cid-1");
        assertThat(withClientId.json().at("/error/innerError/client-request-id").asText())
                .isEqualTo("cid-1");

        String delegated = g.userToken(ADELE, "Adele-Passw0rd!", "https://graph.microsoft.com/Mail.Read");
        Answer me = g.get("/me", delegated);
        assertThat(me.status()).as(me.text()).isEqualTo(200);
        assertThat(me.json().get("id").asText()).isEqualTo(ADELE_OID);
        assertThat(me.json().get("userPrincipalName").asText()).isEqualTo(ADELE);
        assertThat(g.get("/me/mailFolders/inbox", delegated).status()).isEqualTo(200);
        assertError(g.get("/users/" + ADMIN + "/messages", delegated), 403, "ErrorAccessDenied");

        // An app granted Mail.Read only may read but not send or change.
        emulator.entra()
                .directory()
                .createApp(
                        GraphTestSupport.TENANT,
                        GraphTestSupport.JSON.readTree(
                                "{\"clientId\":\"c0a7c0a7-0000-4000-8000-0000000000d4\","
                                        + "\"clientSecret\":\"Ro8Q~read.only\",\"publicClient\":false,"
                                        + "\"application\":[\"https://graph.microsoft.com/Mail.Read\"],\"adminConsented\":true}"));
        String readOnly =
                g.appToken("c0a7c0a7-0000-4000-8000-0000000000d4", "Ro8Q~read.only", GraphTestSupport.GRAPH_DEFAULT);
        assertThat(g.get(users + "/mailFolders/inbox", readOnly).status()).isEqualTo(200);
        assertError(
                g.post(users + "/sendMail", readOnly, "{\"message\":{\"subject\":\"x\",\"toRecipients\":[]}}"),
                403,
                "ErrorAccessDenied");
        assertError(g.post(users + "/mailFolders", readOnly, "{\"displayName\":\"x\"}"), 403, "ErrorAccessDenied");

        emulator.clock().advance(Duration.ofHours(2));
        try {
            assertThat(assertError(g.get(users + "/messages", app), 401, "InvalidAuthenticationToken")
                            .path("message")
                            .asText())
                    .contains("expired");
        } finally {
            emulator.clock().reset();
        }
    }

    @Test
    void eachCloudWantsItsOwnGraphResource() throws Exception {
        String usgov = emulator.loginUrl(dev.mailbridge.emulator.Cloud.USGOV).toString();
        java.net.http.HttpResponse<String> t = g.http.send(
                java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create(usgov + "/fab71ca7-0000-4000-8000-000000000001/oauth2/v2.0/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                "grant_type=client_credentials&client_id=fab71ca7-0000-4000-8000-0000000000a1"
                                        + "&client_secret="
                                        + GraphTestSupport.enc("Fab8Q~emulator.gcchigh.secret.value.0001")
                                        + "&scope=" + GraphTestSupport.enc("https://graph.microsoft.us/.default")))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(t.statusCode()).as(t.body()).isEqualTo(200);
        String gov =
                GraphTestSupport.JSON.readTree(t.body()).get("access_token").asText();
        String gina = "/v1.0/users/gina.high@fabrikam.onmicrosoft.us/mailFolders/inbox";
        Answer ok = g.get(usgov + gina, gov);
        assertThat(ok.status()).as(ok.text()).isEqualTo(200);
        assertThat(ok.json().get("@odata.context").asText()).startsWith(usgov + "/v1.0/$metadata#");
        assertError(g.get(g.base + gina, gov), 401, "InvalidAuthenticationToken");
        assertError(g.get(usgov + gina, app), 401, "InvalidAuthenticationToken");
    }

    @Test
    void mailFoldersWellKnownNamesAndChildFolders() throws Exception {
        Answer list = g.get(users + "/mailFolders?$top=50", app);
        assertThat(list.status()).as(list.text()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        list.json().get("value").forEach(f -> names.add(f.get("displayName").asText()));
        assertThat(names).contains("Inbox", "Drafts", "Sent Items", "Deleted Items", "Junk Email", "Archive");
        assertThat(names).doesNotContain("Calendar", "Contacts");
        assertThat(list.json().get("@odata.context").asText())
                .isEqualTo(g.graph + "/$metadata#users('" + ADELE + "')/mailFolders");

        Answer paged = g.get(users + "/mailFolders?$top=3", app);
        assertThat(paged.json().get("value")).hasSize(3);
        Answer second = g.get(paged.json().get("@odata.nextLink").asText(), app);
        assertThat(second.json().get("value").get(0).get("displayName").asText())
                .isEqualTo(names.get(3));

        JsonNode inbox = g.get(users + "/mailFolders('Inbox')", app).json();
        assertThat(inbox.get("displayName").asText()).isEqualTo("Inbox");
        assertThat(inbox.get("@odata.context").asText()).endsWith("/mailFolders/$entity");
        JsonNode byId = g.get(users + "/mailFolders/" + path(inbox.get("id").asText()), app)
                .json();
        assertThat(byId.get("id").asText()).isEqualTo(inbox.get("id").asText());

        String child = folderWith("Projects", 2);
        JsonNode children =
                g.get(users + "/mailFolders/inbox/childFolders", app).json();
        assertThat(children.get("value").findValuesAsText("displayName")).contains("Projects");
        JsonNode projects = g.get(users + "/mailFolders/" + path(child), app).json();
        assertThat(projects.get("totalItemCount").asInt()).isEqualTo(2);
        assertThat(projects.get("unreadItemCount").asInt()).isEqualTo(2);
        assertThat(projects.get("parentFolderId").asText())
                .isEqualTo(inbox.get("id").asText());
        assertError(
                g.post(users + "/mailFolders/inbox/childFolders", app, "{\"displayName\":\"Projects\"}"),
                409,
                "ErrorFolderExists");
        assertError(g.get(users + "/mailFolders/AAMkNoSuchFolder", app), 404, "ErrorItemNotFound");

        // A user added to the directory later has a mailbox at once, by UPN or object id.
        emulator.entra()
                .directory()
                .createUser(
                        GraphTestSupport.TENANT,
                        GraphTestSupport.JSON.readTree("{\"upn\":\"newcomer@contoso.onmicrosoft.com\","
                                + "\"password\":\"New-Passw0rd!\",\"displayName\":\"Newcomer\","
                                + "\"oid\":\"c0a7c0a7-0000-4000-8000-000000000199\"}"));
        assertThat(g.get("/users/newcomer@contoso.onmicrosoft.com/mailFolders/inbox", app)
                        .status())
                .isEqualTo(200);
        assertThat(g.get("/users/c0a7c0a7-0000-4000-8000-000000000199/mailFolders/inbox", app)
                        .status())
                .isEqualTo(200);
    }

    @Test
    void listWithSelectTopFilterOrderbyAndPaging() throws Exception {
        String folder = folderWith("Listing", 5);
        String messages = users + "/mailFolders/" + path(folder) + "/messages";
        Answer page1 = g.get(messages + "?$select=subject,isRead&$top=2", app);
        assertThat(page1.status()).as(page1.text()).isEqualTo(200);
        JsonNode p1 = page1.json();
        assertThat(p1.get("@odata.context").asText()).endsWith("/messages(subject,isRead)");
        assertThat(p1.get("value")).hasSize(2);
        JsonNode first = p1.get("value").get(0);
        assertThat(first.get("subject").asText()).isEqualTo("Listing 5");
        assertThat(first.get("@odata.etag").asText()).startsWith("W/\"");
        assertThat(first.has("id")).isTrue();
        assertThat(first.has("body")).isFalse();
        List<String> subjects = new ArrayList<>();
        String next = p1.get("@odata.nextLink").asText();
        assertThat(next).contains("$skip=2");
        p1.get("value").forEach(m -> subjects.add(m.get("subject").asText()));
        while (next != null) {
            JsonNode page = g.get(next, app).json();
            page.get("value").forEach(m -> subjects.add(m.get("subject").asText()));
            next = page.has("@odata.nextLink") ? page.get("@odata.nextLink").asText() : null;
        }
        assertThat(subjects).containsExactly("Listing 5", "Listing 4", "Listing 3", "Listing 2", "Listing 1");

        JsonNode full = g.get(messages + "?$top=1", app).json().get("value").get(0);
        assertThat(full.get("receivedDateTime").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(full.get("body").get("contentType").asText()).isEqualTo("html");
        assertThat(full.get("from").get("emailAddress").get("address").asText()).isEqualTo("bob@example.com");
        assertThat(full.get("toRecipients")
                        .get(0)
                        .get("emailAddress")
                        .get("address")
                        .asText())
                .isEqualTo(ADELE);
        assertThat(full.get("parentFolderId").asText()).isEqualTo(folder);
        assertThat(full.get("changeKey").asText())
                .isEqualTo(full.get("@odata.etag").asText().substring(3).replace("\"", ""));
        assertThat(full.get("internetMessageId").asText()).endsWith("@example.com>");
        assertThat(full.get("conversationId").asText()).startsWith("AAQk");
        assertThat(full.get("hasAttachments").asBoolean()).isFalse();
        JsonNode text = g.get(messages + "?$top=1", app, "Prefer", "outlook.body-content-type=\"text\"")
                .json();
        assertThat(text.get("value").get(0).get("body").get("contentType").asText())
                .isEqualTo("text");

        g.patch(users + "/messages/" + path(full.get("id").asText()), app, "{\"isRead\":true}");
        JsonNode unread = g.get(messages + "?$filter=" + path("isRead eq false") + "&$count=true", app)
                .json();
        assertThat(unread.get("@odata.count").asInt()).isEqualTo(4);
        JsonNode bySubject = g.get(
                        messages + "?$filter=" + path("startswith(subject,'Listing') and subject ne 'Listing 3'")
                                + "&$orderby=" + path("subject asc"),
                        app)
                .json();
        assertThat(bySubject.get("value").findValuesAsText("subject"))
                .containsExactly("Listing 1", "Listing 2", "Listing 4", "Listing 5");
        assertError(
                g.get(
                        messages + "?$filter=" + path("isRead eq false") + "&$orderby=" + path("receivedDateTime desc"),
                        app),
                400,
                "InefficientFilter");
        assertError(g.get(messages + "?$select=nope", app), 400, "RequestBroker--ParseUri");
        assertError(g.get(messages + "?$filter=" + path("subject eq"), app), 400, "BadRequest");
        assertError(g.get(messages + "?$top=5000", app), 400, "BadRequest");
    }

    @Test
    void patchMoveCopyDeleteAndMime() throws Exception {
        String folder = folderWith("Changes", 1);
        JsonNode m = g.get(users + "/mailFolders/" + path(folder) + "/messages", app)
                .json()
                .get("value")
                .get(0);
        String id = m.get("id").asText();
        Answer patched =
                g.patch(users + "/messages/" + path(id), app, "{\"isRead\":true,\"categories\":[\"Blue category\"]}");
        assertThat(patched.status()).as(patched.text()).isEqualTo(200);
        assertThat(patched.json().get("isRead").asBoolean()).isTrue();
        assertThat(patched.json().get("categories").get(0).asText()).isEqualTo("Blue category");
        assertThat(patched.json().get("changeKey").asText())
                .isNotEqualTo(m.get("changeKey").asText());
        assertError(g.patch(users + "/messages/" + path(id), app, "{\"body\":{}}"), 400, "BadRequest");
        assertError(
                g.call(
                        "PATCH",
                        users + "/messages/" + path(id),
                        app,
                        "application/json",
                        "{\"isRead\":false}",
                        "If-Match",
                        m.get("@odata.etag").asText()),
                412,
                "ErrorIrresolvableConflict");
        assertThat(g.call(
                                "PATCH",
                                users + "/messages/" + path(id),
                                app,
                                "application/json",
                                "{\"isRead\":true}",
                                "If-Match",
                                patched.json().get("@odata.etag").asText())
                        .status())
                .isEqualTo(200);
        // A '/' sent as %2F stays inside its segment, as an id with '/' (EWS format, refused), not a
        // path separator (which would list the inbox).
        assertError(g.get(users + "/mailFolders/inbox%2Fmessages", app), 400, "ErrorInvalidIdMalformed");

        Answer mimeAnswer = g.get(users + "/messages/" + path(id) + "/$value", app);
        assertThat(mimeAnswer.status()).isEqualTo(200);
        assertThat(mimeAnswer.text()).contains("Subject: Changes 1").contains("Body 1");

        Answer copied = g.post(users + "/messages/" + path(id) + "/copy", app, "{\"destinationId\":\"archive\"}");
        assertThat(copied.status()).as(copied.text()).isEqualTo(201);
        assertThat(copied.json().get("id").asText()).isNotEqualTo(id);
        Answer moved = g.post(users + "/messages/" + path(id) + "/move", app, "{\"destinationId\":\"junkemail\"}");
        assertThat(moved.status()).as(moved.text()).isEqualTo(201);
        String newId = moved.json().get("id").asText();
        assertThat(newId).isNotEqualTo(id);
        assertError(g.get(users + "/messages/" + path(id), app), 404, "ErrorItemNotFound");
        assertThat(emulator.exchange().store().subjects(ADELE, "junkemail")).contains("Changes 1");
        assertError(
                g.post(users + "/messages/" + path(newId) + "/move", app, "{\"destinationId\":\"AAMkNope\"}"),
                404,
                "ErrorItemNotFound");

        assertThat(g.delete(users + "/messages/" + path(newId), app).status()).isEqualTo(204);
        assertThat(emulator.exchange().store().subjects(ADELE, "deleteditems")).contains("Changes 1");
        assertThat(emulator.exchange().store().subjects(ADELE, "junkemail")).doesNotContain("Changes 1");
    }

    @Test
    void idsAreInTheRestFormatAndEwsIdsAreRefused() throws Exception {
        String folder = folderWith("RestIds", 2);
        String ewsFolder = RestIds.fromRest(folder);
        List<String> ewsIds = g.ewsItemIds(ADELE, ewsFolder);
        assertThat(ewsIds).hasSize(2);
        String ewsId = ewsIds.get(0);
        String restId = RestIds.toRest(ewsId);
        // Every EWS id of the emulator holds '/' and '+', so a client that forgets to convert fails.
        assertThat(ewsId).contains("/", "+").startsWith("AAMk");
        assertThat(ewsFolder).contains("/", "+").startsWith("AQMk");
        assertThat(restId).doesNotContain("/", "+").startsWith("AAMk");

        JsonNode refused = assertError(g.get(users + "/messages/" + path(ewsId), app), 400, "ErrorInvalidIdMalformed");
        assertThat(refused.path("message").asText()).isEqualTo("Id is malformed.");
        assertError(g.get(users + "/mailFolders/" + path(ewsFolder), app), 400, "ErrorInvalidIdMalformed");
        assertError(
                g.get(users + "/mailFolders/" + path(ewsFolder) + "/messages", app), 400, "ErrorInvalidIdMalformed");
        assertError(
                g.post(users + "/messages/" + path(restId) + "/copy", app, "{\"destinationId\":\"" + ewsFolder + "\"}"),
                400,
                "ErrorInvalidIdMalformed");
        assertError(
                g.get(users + "/messages?$filter=" + path("id eq '" + ewsId + "'"), app),
                400,
                "ErrorInvalidIdMalformed");

        Answer byRest = g.get(users + "/messages/" + path(restId), app);
        assertThat(byRest.status()).as(byRest.text()).isEqualTo(200);
        assertThat(byRest.json().get("id").asText()).isEqualTo(restId);
        String subject = byRest.json().get("subject").asText();
        assertThat(subject).startsWith("RestIds ");
        assertThat(byRest.json().get("parentFolderId").asText()).isEqualTo(folder);
        assertThat(byRest.json().get("conversationId").asText()).doesNotContain("/", "+");
        JsonNode listed =
                g.get(users + "/mailFolders/" + path(folder) + "/messages", app).json();
        assertThat(listed.get("value").findValuesAsText("id"))
                .containsExactlyInAnyOrderElementsOf(
                        ewsIds.stream().map(RestIds::toRest).toList());
        JsonNode filtered = g.get(
                        users + "/messages?$filter="
                                + path("parentFolderId eq '" + folder + "' and id eq '" + restId + "'"),
                        app)
                .json();
        assertThat(filtered.get("value").findValuesAsText("subject")).containsExactly(subject);
        JsonNode f = g.get(users + "/mailFolders/" + path(folder), app).json();
        assertThat(f.get("id").asText()).isEqualTo(folder);
        assertThat(f.get("parentFolderId").asText()).doesNotContain("/", "+");

        // $batch: the same rules in each request.
        String batch = "{\"requests\":["
                + "{\"id\":\"1\",\"method\":\"GET\",\"url\":\"/users/" + ADELE + "/messages/" + path(ewsId) + "\"},"
                + "{\"id\":\"2\",\"method\":\"GET\",\"url\":\"/users/" + ADELE + "/messages/" + path(restId) + "\"}]}";
        JsonNode batched = g.post("/$batch", app, batch).json().get("responses");
        assertThat(batched.get(0).get("status").asInt()).isEqualTo(400);
        assertThat(batched.get(0).at("/body/error/code").asText()).isEqualTo("ErrorInvalidIdMalformed");
        assertThat(batched.get(1).get("status").asInt()).isEqualTo(200);
        assertThat(batched.get(1).at("/body/id").asText()).isEqualTo(restId);

        // A subscription on a folder named by its EWS id is refused before the handshake.
        assertError(
                g.post(
                        "/subscriptions",
                        app,
                        "{\"changeType\":\"created\",\"notificationUrl\":\"https://127.0.0.1:9/none\","
                                + "\"resource\":\"users/" + ADELE + "/mailFolders('" + ewsFolder + "')/messages\","
                                + "\"expirationDateTime\":\"" + Instant.now().plus(Duration.ofHours(1)) + "\"}"),
                400,
                "ErrorInvalidIdMalformed");

        // A delta round: changed and removed entries carry REST ids only.
        String delta = users + "/mailFolders/" + path(folder) + "/messages/delta";
        JsonNode first = g.get(delta, app).json();
        assertThat(first.get("value").findValuesAsText("id"))
                .containsExactlyInAnyOrderElementsOf(
                        ewsIds.stream().map(RestIds::toRest).toList());
        assertThat(g.delete(users + "/messages/" + path(restId), app).status()).isEqualTo(204);
        emulator.exchange().store().deliver(ADELE, "RestIds", mime("ivy@example.com", ADELE, "RestIds 3", "New"));
        JsonNode changes = g.get(first.get("@odata.deltaLink").asText(), app).json();
        List<String> ids = changes.get("value").findValuesAsText("id");
        assertThat(ids).hasSize(2).contains(restId);
        assertThat(changes.get("value").findValuesAsText("parentFolderId")).containsOnly(folder);
        for (JsonNode c : first.get("value")) {
            assertThat(c.get("id").asText()).doesNotContain("/", "+");
            assertThat(c.get("parentFolderId").asText()).doesNotContain("/", "+");
        }
        for (String id : ids) {
            assertThat(id).doesNotContain("/", "+");
        }
    }

    @Test
    void deltaRoundsWithNextLinkDeltaLinkAndRemovals() throws Exception {
        String folder = folderWith("Delta", 5);
        String delta = users + "/mailFolders/" + path(folder) + "/messages/delta?$select=subject";
        List<JsonNode> seen = new ArrayList<>();
        String next = delta;
        String deltaLink = null;
        int pages = 0;
        while (next != null) {
            Answer a = g.get(next, app, "Prefer", "odata.maxpagesize=2");
            assertThat(a.status()).as(a.text()).isEqualTo(200);
            a.json().get("value").forEach(seen::add);
            pages++;
            next = a.json().has("@odata.nextLink")
                    ? a.json().get("@odata.nextLink").asText()
                    : null;
            deltaLink = a.json().has("@odata.deltaLink")
                    ? a.json().get("@odata.deltaLink").asText()
                    : null;
        }
        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(5);
        assertThat(seen.get(0).get("@odata.type").asText()).isEqualTo("#microsoft.graph.message");
        assertThat(seen.get(0).has("body")).isFalse();
        assertThat(deltaLink).contains("$deltatoken=");

        JsonNode empty = g.get(deltaLink, app).json();
        assertThat(empty.get("value")).isEmpty();
        deltaLink = empty.get("@odata.deltaLink").asText();

        emulator.exchange().store().deliver(ADELE, "Delta", mime("carol@example.com", ADELE, "Delta new", "New"));
        String gone = seen.get(0).get("id").asText();
        g.delete(users + "/messages/" + path(gone), app);
        JsonNode changes = g.get(deltaLink, app).json();
        List<String> subjects = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        for (JsonNode c : changes.get("value")) {
            if (c.has("@removed")) {
                removed.add(c.get("id").asText());
                assertThat(c.get("@removed").get("reason").asText()).isEqualTo("deleted");
            } else {
                subjects.add(c.get("subject").asText());
            }
        }
        assertThat(subjects).containsExactly("Delta new");
        assertThat(removed).containsExactly(gone);

        assertError(
                g.get(users + "/mailFolders/inbox/messages/delta?$deltatoken=forged", app), 410, "SyncStateNotFound");
    }

    @Test
    void sendMailJsonAndMimeWithAttachments() throws Exception {
        String json =
                "{\"message\":{\"subject\":\"Graph hello\",\"body\":{\"contentType\":\"Text\",\"content\":\"Hi Admin\"},"
                        + "\"toRecipients\":[{\"emailAddress\":{\"address\":\"" + ADMIN + "\",\"name\":\"Admin\"}}],"
                        + "\"attachments\":[{\"@odata.type\":\"#microsoft.graph.fileAttachment\",\"name\":\"note.txt\","
                        + "\"contentType\":\"text/plain\",\"contentBytes\":\""
                        + Base64.getEncoder().encodeToString("attached".getBytes(StandardCharsets.UTF_8)) + "\"}]},"
                        + "\"saveToSentItems\":true}";
        Answer sent = g.post(users + "/sendMail", app, json);
        assertThat(sent.status()).as(sent.text()).isEqualTo(202);
        assertThat(emulator.exchange().store().subjects(ADMIN, "inbox")).contains("Graph hello");
        assertThat(emulator.exchange().store().subjects(ADELE, "sentitems")).contains("Graph hello");

        JsonNode received = g.get(
                        "/users/" + ADMIN + "/mailFolders/inbox/messages?$filter=" + path("subject eq 'Graph hello'"),
                        app)
                .json()
                .get("value")
                .get(0);
        assertThat(received.get("hasAttachments").asBoolean()).isTrue();
        assertThat(received.get("from").get("emailAddress").get("address").asText())
                .isEqualTo(ADELE);
        String atts = "/users/" + ADMIN + "/messages/" + path(received.get("id").asText()) + "/attachments";
        JsonNode att = g.get(atts, app).json().get("value").get(0);
        assertThat(att.get("@odata.type").asText()).isEqualTo("#microsoft.graph.fileAttachment");
        assertThat(att.get("id").asText()).doesNotContain("/", "+");
        assertThat(att.get("name").asText()).isEqualTo("note.txt");
        assertThat(new String(Base64.getDecoder().decode(att.get("contentBytes").asText()), StandardCharsets.UTF_8))
                .isEqualTo("attached");
        assertThat(g.get(atts + "/" + path(att.get("id").asText()) + "/$value", app)
                        .text())
                .isEqualTo("attached");

        String raw = Base64.getEncoder().encodeToString(mime(ADELE, ADMIN, "Graph MIME", "Raw body"));
        Answer mimeSent = g.call("POST", users + "/sendMail", app, "text/plain", raw);
        assertThat(mimeSent.status()).as(mimeSent.text()).isEqualTo(202);
        assertThat(emulator.exchange().store().subjects(ADMIN, "inbox")).contains("Graph MIME");
        assertError(
                g.call("POST", users + "/sendMail", app, "text/plain", "***"),
                400,
                "ErrorMimeContentInvalidBase64String");
        assertError(
                g.post(users + "/sendMail", app, "{\"message\":{\"subject\":\"nobody\",\"toRecipients\":[]}}"),
                400,
                "ErrorInvalidRecipients");
        assertError(g.post(users + "/sendMail", app, "{}"), 400, "ErrorInvalidRequest");

        // A draft (JSON), then send; a message created from MIME in a folder.
        Answer draft = g.post(
                users + "/messages",
                app,
                "{\"subject\":\"Draft first\",\"toRecipients\":[{\"emailAddress\":{\"address\":\"" + ADMIN + "\"}}]}");
        assertThat(draft.status()).as(draft.text()).isEqualTo(201);
        assertThat(draft.json().get("isDraft").asBoolean()).isTrue();
        assertThat(draft.json().get("parentFolderId").asText())
                .isEqualTo(g.get(users + "/mailFolders/drafts", app)
                        .json()
                        .get("id")
                        .asText());
        assertThat(g.post(users + "/messages/" + path(draft.json().get("id").asText()) + "/send", app, "{}")
                        .status())
                .isEqualTo(202);
        assertThat(emulator.exchange().store().subjects(ADMIN, "inbox")).contains("Draft first");
        assertThat(emulator.exchange().store().subjects(ADELE, "drafts")).doesNotContain("Draft first");
        Answer imported = g.call(
                "POST",
                users + "/mailFolders/archive/messages",
                app,
                "text/plain",
                Base64.getEncoder().encodeToString(mime("old@example.com", ADELE, "Imported", "From MIME")));
        assertThat(imported.status()).as(imported.text()).isEqualTo(201);
        assertThat(imported.json()
                        .get("from")
                        .get("emailAddress")
                        .get("address")
                        .asText())
                .isEqualTo("old@example.com");
        assertThat(emulator.exchange().store().subjects(ADELE, "archive")).contains("Imported");
    }

    @Test
    void subscriptionsHandshakeNotificationsRenewalLifecycleAndErrors() throws Exception {
        try (GraphTestSupport.Receiver receiver = new GraphTestSupport.Receiver()) {
            String expires = Instant.now().plus(Duration.ofHours(1)).toString();
            String body = "{\"changeType\":\"created,updated\",\"notificationUrl\":\"" + receiver.url("/notify")
                    + "\",\"lifecycleNotificationUrl\":\"" + receiver.url("/lifecycle")
                    + "\",\"resource\":\"users/" + ADELE + "/mailFolders('inbox')/messages\",\"expirationDateTime\":\""
                    + expires + "\",\"clientState\":\"secret-state\"}";
            Answer created = g.post("/subscriptions", app, body);
            assertThat(created.status()).as(created.text()).isEqualTo(201);
            JsonNode sub = created.json();
            String id = sub.get("id").asText();
            assertThat(sub.get("clientState").asText()).isEqualTo("secret-state");
            assertThat(sub.get("changeType").asText()).isEqualTo("created,updated");
            assertThat(receiver.validations).hasSize(2);
            assertThat(receiver.validations.get(0)).startsWith("Validation: Testing client application reachability");

            String itemId = RestIds.toRest(
                    emulator.exchange().store().deliver(ADELE, mime("dan@example.com", ADELE, "Ping", "Hello")));
            JsonNode n = receiver.next().get("value").get(0);
            assertThat(n.get("subscriptionId").asText()).isEqualTo(id);
            assertThat(n.get("changeType").asText()).isEqualTo("created");
            assertThat(n.get("clientState").asText()).isEqualTo("secret-state");
            assertThat(n.get("resource").asText()).isEqualTo("Users/" + ADELE_OID + "/Messages/" + itemId);
            assertThat(n.get("resourceData").get("id").asText()).isEqualTo(itemId);
            assertThat(n.get("tenantId").asText()).isEqualTo("c0a7c0a7-0000-4000-8000-000000000001");

            Answer read = g.patch(users + "/messages/" + path(itemId), app, "{\"isRead\":true}");
            assertThat(read.status()).as(read.text()).isEqualTo(200);
            JsonNode updated = receiver.next().get("value").get(0);
            assertThat(updated.get("changeType").asText()).isEqualTo("updated");
            assertThat(updated.get("resourceData").get("@odata.etag").asText())
                    .isEqualTo(read.json().get("@odata.etag").asText());

            String later = Instant.now().plus(Duration.ofDays(2)).toString();
            Answer renewed = g.patch("/subscriptions/" + id, app, "{\"expirationDateTime\":\"" + later + "\"}");
            assertThat(renewed.status()).as(renewed.text()).isEqualTo(200);
            assertThat(Instant.parse(renewed.json().get("expirationDateTime").asText()))
                    .isEqualTo(Instant.parse(later));
            String tooLate = Instant.now().plus(Duration.ofMinutes(4231)).toString();
            assertThat(assertError(
                                    g.patch(
                                            "/subscriptions/" + id,
                                            app,
                                            "{\"expirationDateTime\":\"" + tooLate + "\"}"),
                                    400,
                                    "ExtensionError")
                            .path("message")
                            .asText())
                    .contains("4230 minutes");
            assertThat(g.get("/subscriptions", app).json().get("value").findValuesAsText("id"))
                    .contains(id);

            Answer lifecycle = g.call(
                    "POST",
                    g.base + "/_emulator/graph/subscriptions/" + id + "/lifecycle",
                    null,
                    "application/json",
                    "{\"event\":\"reauthorizationRequired\"}");
            assertThat(lifecycle.status()).as(lifecycle.text()).isEqualTo(200);
            JsonNode life = receiver.next().get("value").get(0);
            assertThat(life.get("lifecycleEvent").asText()).isEqualTo("reauthorizationRequired");
            assertThat(life.get("subscriptionId").asText()).isEqualTo(id);
            assertThat(g.post("/subscriptions/" + id + "/reauthorize", app, "{}")
                            .status())
                    .isEqualTo(204);

            g.call(
                    "POST",
                    g.base + "/_emulator/graph/subscriptions/" + id + "/lifecycle",
                    null,
                    "application/json",
                    "{\"event\":\"subscriptionRemoved\"}");
            assertThat(receiver.next().get("value").get(0).get("lifecycleEvent").asText())
                    .isEqualTo("subscriptionRemoved");
            assertError(g.get("/subscriptions/" + id, app), 404, "ResourceNotFound");
            assertError(g.delete("/subscriptions/" + id, app), 404, "ResourceNotFound");

            receiver.failValidation = true;
            assertError(g.post("/subscriptions", app, body), 400, "ValidationError");
            receiver.failValidation = false;
            assertError(g.post("/subscriptions", app, body.replace(expires, tooLate)), 400, "ExtensionError");
            Answer again = g.post("/subscriptions", app, body);
            String second = again.json().get("id").asText();
            assertThat(g.delete("/subscriptions/" + second, app).status()).isEqualTo(204);
            String third = g.post("/subscriptions", app, body).json().get("id").asText();
            g.call(
                    "POST",
                    g.base + "/_emulator/graph/subscriptions/" + third + "/expire",
                    null,
                    "application/json",
                    "{}");
            assertError(g.get("/subscriptions/" + third, app), 404, "ResourceNotFound");
        }
    }

    @Test
    void throttlingAndConcurrencyLimit() throws Exception {
        String control = g.base + "/_emulator/graph";
        g.call(
                "POST",
                control + "/throttle",
                null,
                "application/json",
                "{\"mailbox\":\"" + ADMIN + "\",\"count\":1,\"retryAfterSeconds\":7}");
        Answer throttled = g.get("/users/" + ADMIN + "/messages", app);
        assertError(throttled, 429, "ApplicationThrottled");
        assertThat(throttled.header("Retry-After")).isEqualTo("7");
        assertThat(g.get("/users/" + ADMIN + "/messages", app).status()).isEqualTo(200);

        g.call("POST", control + "/delay", null, "application/json", "{\"milliseconds\":1500}");
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Answer>> calls = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                calls.add(pool.submit(() -> g.get("/users/" + ADMIN + "/mailFolders/inbox", app)));
            }
            int ok = 0;
            int limited = 0;
            for (Future<Answer> f : calls) {
                Answer a = f.get();
                if (a.status() == 200) {
                    ok++;
                } else {
                    assertError(a, 429, "ApplicationThrottled");
                    limited++;
                }
            }
            assertThat(ok).isLessThanOrEqualTo(GraphThrottle.MAILBOX_CONCURRENCY);
            assertThat(limited).isGreaterThanOrEqualTo(2);
        } finally {
            pool.shutdownNow();
            g.call("POST", control + "/reset", null, "application/json", "{}");
        }
    }

    @Test
    void batchRunsRequestsWithDependsOn() throws Exception {
        String batch = "{\"requests\":["
                + "{\"id\":\"1\",\"method\":\"GET\",\"url\":\"/users/" + ADELE + "/mailFolders/inbox\"},"
                + "{\"id\":\"2\",\"method\":\"GET\",\"url\":\"/users/" + ADELE + "/messages/AAMkNope\"},"
                + "{\"id\":\"3\",\"method\":\"GET\",\"url\":\"/users/" + ADELE
                + "/messages?$top=1\",\"dependsOn\":[\"2\"]},"
                + "{\"id\":\"4\",\"method\":\"POST\",\"url\":\"/users/" + ADELE + "/mailFolders\","
                + "\"headers\":{\"Content-Type\":\"application/json\"},\"body\":{\"displayName\":\"Batched\"}}]}";
        Answer a = g.post("/$batch", app, batch);
        assertThat(a.status()).as(a.text()).isEqualTo(200);
        JsonNode r = a.json().get("responses");
        assertThat(r).hasSize(4);
        assertThat(r.get(0).get("status").asInt()).isEqualTo(200);
        assertThat(r.get(0).get("body").get("displayName").asText()).isEqualTo("Inbox");
        assertThat(r.get(1).get("status").asInt()).isEqualTo(404);
        assertThat(r.get(1).get("body").get("error").get("code").asText()).isEqualTo("ErrorItemNotFound");
        assertThat(r.get(2).get("status").asInt()).isEqualTo(424);
        assertThat(r.get(3).get("status").asInt()).isEqualTo(201);
        StringBuilder many = new StringBuilder("{\"requests\":[");
        for (int i = 0; i < 21; i++) {
            many.append(i == 0 ? "" : ",")
                    .append("{\"id\":\"")
                    .append(i)
                    .append("\",\"method\":\"GET\",\"url\":\"/me\"}");
        }
        assertError(g.post("/$batch", app, many.append("]}").toString()), 400, "BadRequest");
    }
}
