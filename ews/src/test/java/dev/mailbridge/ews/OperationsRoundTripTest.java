package dev.mailbridge.ews;

import static dev.mailbridge.ews.support.Fixtures.error;
import static dev.mailbridge.ews.support.Fixtures.response;
import static dev.mailbridge.ews.support.Fixtures.success;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailbridge.ews.error.EwsInvalidSyncStateException;
import dev.mailbridge.ews.error.EwsResponseException;
import dev.mailbridge.ews.model.DistinguishedFolder;
import dev.mailbridge.ews.model.EmailAddress;
import dev.mailbridge.ews.model.Folder;
import dev.mailbridge.ews.model.FolderChange;
import dev.mailbridge.ews.model.FolderId;
import dev.mailbridge.ews.model.FolderRef;
import dev.mailbridge.ews.model.Item;
import dev.mailbridge.ews.model.ItemChange;
import dev.mailbridge.ews.model.ItemId;
import dev.mailbridge.ews.model.Notification;
import dev.mailbridge.ews.ops.CopyItem;
import dev.mailbridge.ews.ops.CreateFolder;
import dev.mailbridge.ews.ops.CreateItem;
import dev.mailbridge.ews.ops.DeleteItem;
import dev.mailbridge.ews.ops.EventType;
import dev.mailbridge.ews.ops.FindFolder;
import dev.mailbridge.ews.ops.GetAttachment;
import dev.mailbridge.ews.ops.GetEvents;
import dev.mailbridge.ews.ops.GetFolder;
import dev.mailbridge.ews.ops.GetItem;
import dev.mailbridge.ews.ops.ItemShape;
import dev.mailbridge.ews.ops.MoveItem;
import dev.mailbridge.ews.ops.ResolveNames;
import dev.mailbridge.ews.ops.Subscribe;
import dev.mailbridge.ews.ops.SyncFolderHierarchy;
import dev.mailbridge.ews.ops.SyncFolderItems;
import dev.mailbridge.ews.ops.Unsubscribe;
import dev.mailbridge.ews.ops.UpdateItem;
import dev.mailbridge.ews.support.EwsSchema;
import dev.mailbridge.ews.support.FakeExchange;
import dev.mailbridge.identity.Secret;
import dev.mailbridge.identity.credential.BasicCredential;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every operation: the request it writes validates against Microsoft's schema, and Exchange-shaped
 * responses (from the reference's documented samples) parse into the typed results.
 */
class OperationsRoundTripTest {
    private FakeExchange exchange;
    private EwsSchema.Validating schema;
    private EwsClient client;

    @BeforeEach
    void start() throws Exception {
        exchange = new FakeExchange();
        schema = new EwsSchema.Validating();
        EwsProtocol protocol =
                EwsProtocol.builder(exchange.url()).requestObserver(schema).build();
        client = protocol.client(SignIn.basic(
                BasicCredential.of("NORTHWIND\\svc", Secret.of("pw")).impersonating("anna@northwind.local")));
    }

    @AfterEach
    void stop() {
        exchange.close();
    }

    @Test
    void getFolderAndImpersonationHeaders() {
        exchange.thenSoap(
                response(
                        "GetFolder",
                        success(
                                "GetFolder",
                                "<m:Folders><t:Folder><t:FolderId Id=\"AQApA=\" ChangeKey=\"AQAAAB\"/><t:DisplayName>Inbox</t:DisplayName>"
                                        + "<t:TotalCount>2</t:TotalCount><t:ChildFolderCount>0</t:ChildFolderCount><t:UnreadCount>2</t:UnreadCount></t:Folder></m:Folders>")));
        Folder inbox = client.folder(FolderRef.inbox());
        assertThat(inbox.displayName()).isEqualTo("Inbox");
        assertThat(inbox.id()).isEqualTo(new FolderId("AQApA=", "AQAAAB"));
        assertThat(inbox.unreadCount()).isEqualTo(2);
        String body = exchange.requests().get(0).body();
        assertThat(body).contains("<t:SmtpAddress>anna@northwind.local</t:SmtpAddress>");
        assertThat(exchange.requests().get(0).header("X-AnchorMailbox")).isEqualTo("anna@northwind.local");
        assertThat(exchange.requests().get(0).header("client-request-id")).isNotBlank();
        assertThat(exchange.requests().get(0).header("Authorization")).startsWith("Basic ");
        assertThat(schema.validated()).containsExactly("GetFolder");
    }

    @Test
    void getFolderErrorIsTypedOutcome() {
        exchange.thenSoap(response(
                "GetFolder", error("GetFolder", "ErrorInvalidIdMalformed", "Id is malformed.", "<m:Folders/>")));
        Responses<Folder> r = client.execute(GetFolder.of(FolderId.of("bad")));
        assertThat(r.get(0).ok()).isFalse();
        assertThat(r.get(0).error().responseCode()).contains("ErrorInvalidIdMalformed");
        assertThat(r.get(0).error().messageText()).contains("Id is malformed.");
        assertThat(r.get(0).error().getMessage()).contains("512 bytes");
    }

    @Test
    void findFolderDeepAndCreateFolder() {
        exchange.thenSoap(response(
                        "FindFolder",
                        success(
                                "FindFolder",
                                "<m:RootFolder TotalItemsInView=\"1\" IncludesLastItemInRange=\"true\"><t:Folders>"
                                        + "<t:Folder><t:FolderId Id=\"AQAnAH\" ChangeKey=\"AQAAABY\"/><t:DisplayName>TestFolder</t:DisplayName>"
                                        + "</t:Folder><t:CalendarFolder><t:FolderId Id=\"CAL\"/><t:DisplayName>Calendar</t:DisplayName></t:CalendarFolder>"
                                        + "</t:Folders></m:RootFolder>")))
                .thenSoap(
                        response(
                                "CreateFolder",
                                success(
                                        "CreateFolder",
                                        "<m:Folders><t:Folder><t:FolderId Id=\"NEW\" ChangeKey=\"1\"/></t:Folder></m:Folders>")));
        FindFolder.Page page = client.execute(FindFolder.of(DistinguishedFolder.MSGFOLDERROOT.ref(), true));
        assertThat(page.folders()).extracting(Folder::displayName).containsExactly("TestFolder", "Calendar");
        assertThat(page.folders().get(0).isMailFolder()).isTrue();
        assertThat(page.folders().get(1).isMailFolder()).isFalse();
        Folder created =
                client.execute(CreateFolder.of(FolderRef.inbox(), "Processed")).single();
        assertThat(created.id().id()).isEqualTo("NEW");
        assertThat(schema.validated()).containsExactly("FindFolder", "CreateFolder");
    }

    @Test
    void syncFolderHierarchyChanges() {
        exchange.thenSoap(response(
                "SyncFolderHierarchy",
                success(
                        "SyncFolderHierarchy",
                        "<m:SyncState>H4sIAAA==</m:SyncState><m:IncludesLastFolderInRange>true</m:IncludesLastFolderInRange><m:Changes>"
                                + "<t:Update><t:Folder><t:FolderId Id=\"U\" ChangeKey=\"1\"/><t:ParentFolderId Id=\"P\"/><t:FolderClass>IPF.Note</t:FolderClass><t:DisplayName>Meeting Notes</t:DisplayName></t:Folder></t:Update>"
                                + "<t:Create><t:Folder><t:FolderId Id=\"C\"/><t:FolderClass>IPF.Note</t:FolderClass></t:Folder></t:Create>"
                                + "<t:Delete><t:FolderId Id=\"D\" ChangeKey=\"AQAAAA==\"/></t:Delete></m:Changes>")));
        SyncFolderHierarchy.Result r = client.execute(SyncFolderHierarchy.of(null));
        assertThat(r.syncState()).isEqualTo("H4sIAAA==");
        assertThat(r.changes()).hasSize(3);
        assertThat(r.changes().get(0)).isInstanceOf(FolderChange.Update.class);
        assertThat(r.changes().get(1)).isInstanceOf(FolderChange.Create.class);
        assertThat(r.changes().get(2)).isEqualTo(new FolderChange.Delete(new FolderId("D", "AQAAAA==")));
    }

    @Test
    void findItemPagesOnServerOffset() {
        exchange.thenSoap(
                        response(
                                "FindItem",
                                success(
                                        "FindItem",
                                        "<m:RootFolder IndexedPagingOffset=\"2\" TotalItemsInView=\"3\" IncludesLastItemInRange=\"false\"><t:Items>"
                                                + "<t:Message><t:ItemId Id=\"A\" ChangeKey=\"a\"/><t:Subject>one</t:Subject><t:IsRead>false</t:IsRead></t:Message>"
                                                + "<t:Message><t:ItemId Id=\"B\" ChangeKey=\"b\"/><t:Subject>two</t:Subject></t:Message></t:Items></m:RootFolder>")))
                .thenSoap(
                        response(
                                "FindItem",
                                success(
                                        "FindItem",
                                        "<m:RootFolder IndexedPagingOffset=\"3\" TotalItemsInView=\"3\" IncludesLastItemInRange=\"true\"><t:Items>"
                                                + "<t:Message><t:ItemId Id=\"C\" ChangeKey=\"c\"/><t:Subject>three</t:Subject></t:Message></t:Items></m:RootFolder>")));
        List<Item> all = client.findAllItems(FolderRef.inbox(), 2);
        assertThat(all).extracting(Item::subject).containsExactly("one", "two", "three");
        assertThat(exchange.requests().get(1).body()).contains("Offset=\"2\"");
        assertThat(schema.validated()).containsExactly("FindItem", "FindItem");
    }

    @Test
    void getItemPropertiesAndStreamedMime() {
        byte[] mime = "From: a@b\r\nSubject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        exchange.thenSoap(response(
                "GetItem",
                success(
                                "GetItem",
                                "<m:Items><t:Message><t:MimeContent CharacterSet=\"UTF-8\">"
                                        + Base64.getEncoder().encodeToString(mime)
                                        + "</t:MimeContent><t:ItemId Id=\"AAAlAFVz\" ChangeKey=\"CQAAAB\"/><t:Subject/>"
                                        + "<t:Body BodyType=\"HTML\">&lt;p&gt;x&lt;/p&gt;</t:Body><t:Size>881</t:Size>"
                                        + "<t:Categories><t:String>Red</t:String></t:Categories><t:DateTimeSent>2006-10-28T01:37:06Z</t:DateTimeSent>"
                                        + "<t:HasAttachments>false</t:HasAttachments><t:ToRecipients><t:Mailbox><t:Name>User1</t:Name>"
                                        + "<t:EmailAddress>User1@example.com</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType></t:Mailbox></t:ToRecipients>"
                                        + "<t:From><t:Mailbox><t:Name>User2</t:Name><t:EmailAddress>User2@example.com</t:EmailAddress></t:Mailbox></t:From>"
                                        + "<t:IsRead>false</t:IsRead></t:Message></m:Items>")
                        + error(
                                "GetItem",
                                "ErrorItemNotFound",
                                "The specified object was not found in the store.",
                                "<m:Items/>")));
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        Responses<Item> r = client.execute(new GetItem(
                List.of(new ItemId("AAAlAFVz", "CQAAAB"), ItemId.of("gone")),
                ItemShape.defaults().withMimeContent().with("item:Categories"),
                position -> sink));
        Item item = r.get(0).orThrow();
        assertThat(sink.toByteArray()).isEqualTo(mime);
        assertThat(item.mimeBytes()).isEqualTo(mime.length);
        assertThat(item.subject()).isEmpty();
        assertThat(item.body()).isEqualTo("<p>x</p>");
        assertThat(item.categories()).containsExactly("Red");
        assertThat(item.from()).isEqualTo(new EmailAddress("User2", "User2@example.com", null));
        assertThat(item.toRecipients()).extracting(EmailAddress::address).containsExactly("User1@example.com");
        assertThat(item.isRead()).isFalse();
        assertThat(r.get(1).error().responseCode()).contains("ErrorItemNotFound");
        assertThatThrownBy(r::values).isInstanceOf(EwsResponseException.class);
    }

    @Test
    void syncFolderItemsAllChangeKindsAndInvalidState() {
        exchange.thenSoap(
                        response(
                                "SyncFolderItems",
                                success(
                                        "SyncFolderItems",
                                        "<m:SyncState>S2</m:SyncState><m:IncludesLastItemInRange>false</m:IncludesLastItemInRange><m:Changes>"
                                                + "<t:Update><t:Message><t:ItemId Id=\"q04QAAAA==\" ChangeKey=\"x\"/><t:Subject>RE: Soccer</t:Subject><t:IsRead>true</t:IsRead></t:Message></t:Update>"
                                                + "<t:Create><t:Message><t:ItemId Id=\"Q04AAAAA==\" ChangeKey=\"AAAirbnd\"/></t:Message></t:Create>"
                                                + "<t:ReadFlagChange><t:ItemId Id=\"q07AAAAA==\" ChangeKey=\"CQAAAA==\"/><t:IsRead>true</t:IsRead></t:ReadFlagChange>"
                                                + "<t:Delete><t:ItemId Id=\"q1AwAAAA==\" ChangeKey=\"CQAAAA==\"/></t:Delete></m:Changes>")))
                .thenSoap(response(
                        "SyncFolderItems",
                        error(
                                "SyncFolderItems",
                                "ErrorInvalidSyncStateData",
                                "Synchronization state data is corrupt or otherwise invalid.",
                                "<m:SyncState/><m:IncludesLastItemInRange>true</m:IncludesLastItemInRange>")));
        SyncFolderItems first = SyncFolderItems.of(FolderRef.inbox(), "S1");
        SyncFolderItems.Result r = client.execute(first);
        assertThat(r.includesLastItemInRange()).isFalse();
        assertThat(r.changes())
                .extracting(c -> c.getClass().getSimpleName())
                .containsExactly("Update", "Create", "ReadFlagChange", "Delete");
        assertThat(r.changes().get(2))
                .isEqualTo(new ItemChange.ReadFlagChange(new ItemId("q07AAAAA==", "CQAAAA=="), true));
        assertThatThrownBy(() -> client.execute(first.next(r)))
                .isInstanceOf(EwsInvalidSyncStateException.class)
                .hasMessageContaining("without a SyncState");
        assertThat(exchange.requests().get(0).body()).contains("<m:MaxChangesReturned>512</m:MaxChangesReturned>");
        assertThat(schema.validated()).hasSize(2);
    }

    @Test
    void createItemComposedRawMimeAndDispositions() {
        exchange.thenSoap(response("CreateItem", success("CreateItem", "<m:Items/>")))
                .thenSoap(response("CreateItem", success("CreateItem", "<m:Items/>")))
                .thenSoap(response(
                        "CreateItem",
                        success(
                                "CreateItem",
                                "<m:Items><t:Message><t:ItemId Id=\"DRAFT\" ChangeKey=\"1\"/></t:Message></m:Items>")))
                .thenSoap(response("CreateItem", success("CreateItem", "<m:Items/>")));
        assertThat(client.execute(
                                CreateItem.send(CreateItem.NewMessage.text("Project", "Update spec", "s@example.com")))
                        .single())
                .isNull();
        byte[] mime = "Subject: raw\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII);
        client.execute(CreateItem.sendMime(() -> new ByteArrayInputStream(mime)))
                .single();
        ItemId draft = client.execute(CreateItem.draft(new CreateItem.NewMessage(
                        "Draft", "HTML", "<b>x</b>", List.of("a@example.com"), List.of("b@example.com"), false)))
                .single();
        assertThat(draft.id()).isEqualTo("DRAFT");
        client.execute(new CreateItem(
                        CreateItem.Disposition.SEND_ONLY,
                        null,
                        CreateItem.NewMessage.text("s", "b", "x@example.com"),
                        null))
                .single();
        assertThat(exchange.requests().get(0).body())
                .contains("MessageDisposition=\"SendAndSaveCopy\"")
                .contains("Id=\"sentitems\"");
        assertThat(exchange.requests().get(1).body())
                .contains(Base64.getEncoder().encodeToString(mime));
        assertThat(exchange.requests().get(3).body()).doesNotContain("SavedItemFolderId");
        assertThat(schema.validated()).hasSize(4);
    }

    @Test
    void updateMoveCopyDelete() {
        String newId = "<m:Items><t:Message><t:ItemId Id=\"NEWID\" ChangeKey=\"k2\"/></t:Message></m:Items>";
        exchange.thenSoap(response("UpdateItem", success("UpdateItem", newId)))
                .thenSoap(response("UpdateItem", success("UpdateItem", newId)))
                .thenSoap(response("MoveItem", success("MoveItem", newId)))
                .thenSoap(response("CopyItem", success("CopyItem", newId)))
                .thenSoap(response("DeleteItem", success("DeleteItem", "")));
        ItemId id = new ItemId("OLD", "k1");
        assertThat(client.execute(UpdateItem.markRead(id, true)).single().changeKey())
                .isEqualTo("k2");
        client.execute(new UpdateItem(
                List.of(
                        new UpdateItem.Change(id, false, List.of("Processed", "Blue")),
                        new UpdateItem.Change(id, null, List.of())),
                "AlwaysOverwrite"));
        ItemId moved = client.execute(MoveItem.of(id, DistinguishedFolder.ARCHIVEINBOX.ref()))
                .single();
        assertThat(moved.id()).isNotEqualTo(id.id());
        client.execute(CopyItem.of(id, FolderId.of("F"))).single();
        client.execute(DeleteItem.hard(id)).single();
        assertThat(exchange.requests().get(1).body())
                .contains("DeleteItemField")
                .contains("<t:String>Blue</t:String>");
        assertThat(schema.validated())
                .containsExactly("UpdateItem", "UpdateItem", "MoveItem", "CopyItem", "DeleteItem");
    }

    @Test
    void getAttachmentStreamsContentAndResolveNames() {
        byte[] content = new byte[100_000];
        new java.util.Random(7).nextBytes(content);
        exchange.thenSoap(response(
                        "GetAttachment",
                        success(
                                "GetAttachment",
                                "<m:Attachments><t:FileAttachment><t:AttachmentId Id=\"ATT1\"/><t:Name>a.bin</t:Name>"
                                        + "<t:ContentType>application/octet-stream</t:ContentType><t:Content>"
                                        + Base64.getMimeEncoder().encodeToString(content)
                                        + "</t:Content></t:FileAttachment></m:Attachments>")))
                .thenSoap(
                        "<m:ResolveNamesResponse" + dev.mailbridge.ews.support.Fixtures.NS + "><m:ResponseMessages>"
                                + "<m:ResolveNamesResponseMessage ResponseClass=\"Warning\"><m:MessageText>Multiple results were found.</m:MessageText>"
                                + "<m:ResponseCode>ErrorNameResolutionMultipleResults</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>"
                                + "<m:ResolutionSet TotalItemsInView=\"2\" IncludesLastItemInRange=\"true\">"
                                + "<t:Resolution><t:Mailbox><t:Name>Anna</t:Name><t:EmailAddress>anna@northwind.local</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType></t:Mailbox></t:Resolution>"
                                + "<t:Resolution><t:Mailbox><t:Name>Annette</t:Name><t:EmailAddress>annette@northwind.local</t:EmailAddress></t:Mailbox></t:Resolution>"
                                + "</m:ResolutionSet></m:ResolveNamesResponseMessage></m:ResponseMessages></m:ResolveNamesResponse>");
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        var att = client.execute(new GetAttachment(List.of("ATT1"), (id, name) -> sink))
                .single();
        assertThat(att.name()).isEqualTo("a.bin");
        assertThat(sink.toByteArray()).isEqualTo(content);
        Outcome<List<EmailAddress>> names = client.execute(new ResolveNames("ann"));
        assertThat(names.warning()).isEqualTo("ErrorNameResolutionMultipleResults");
        assertThat(names.value())
                .extracting(EmailAddress::address)
                .containsExactly("anna@northwind.local", "annette@northwind.local");
        assertThat(schema.validated()).containsExactly("GetAttachment", "ResolveNames");
    }

    @Test
    void subscribePullGetEventsUnsubscribeWithAffinity() {
        exchange.then((ex, req) -> {
                    ex.getResponseHeaders()
                            .add(
                                    "Set-Cookie",
                                    "X-BackEndOverrideCookie=CO1PR06MB222.prod.outlook.com~1941996295; path=/; secure; HttpOnly");
                    FakeExchange.soap(
                                    200,
                                    response(
                                            "Subscribe",
                                            success(
                                                    "Subscribe",
                                                    "<m:SubscriptionId>sub-1</m:SubscriptionId><m:Watermark>W0</m:Watermark>")))
                            .respond(ex, req);
                })
                .thenSoap(
                        response(
                                "GetEvents",
                                success(
                                        "GetEvents",
                                        "<m:Notification><t:SubscriptionId>sub-1</t:SubscriptionId><t:PreviousWatermark>W0</t:PreviousWatermark>"
                                                + "<t:MoreEvents>false</t:MoreEvents><t:NewMailEvent><t:Watermark>W1</t:Watermark>"
                                                + "<t:TimeStamp>2006-08-22T00:36:29Z</t:TimeStamp><t:ItemId Id=\"I\" ChangeKey=\"CQAAAA==\"/>"
                                                + "<t:ParentFolderId Id=\"P\" ChangeKey=\"AQAAAA==\"/></t:NewMailEvent>"
                                                + "<t:ModifiedEvent><t:Watermark>W2</t:Watermark><t:TimeStamp>2006-08-22T00:36:29Z</t:TimeStamp>"
                                                + "<t:FolderId Id=\"P\"/><t:ParentFolderId Id=\"R\"/><t:UnreadCount>1</t:UnreadCount></t:ModifiedEvent></m:Notification>")))
                .thenSoap(response(
                        "Unsubscribe",
                        error(
                                "Unsubscribe",
                                "ErrorSubscriptionNotFound",
                                "The specified subscription was not found.",
                                "")))
                .thenSoap(response("Subscribe", success("Subscribe", "<m:SubscriptionId>stream-1</m:SubscriptionId>")));
        Subscribe.Subscription sub =
                client.execute(Subscribe.pull(List.of(FolderRef.inbox()), EventType.mail(), 10, null));
        assertThat(sub).isEqualTo(new Subscribe.Subscription("sub-1", "W0"));
        Notification n = client.execute(new GetEvents(sub.id(), sub.watermark()));
        assertThat(n.events()).extracting(e -> e.type()).containsExactly("NewMailEvent", "ModifiedEvent");
        assertThat(n.lastWatermark()).isEqualTo("W2");
        assertThat(n.events().get(1).unreadCount()).isEqualTo(1);
        assertThatThrownBy(() -> client.execute(new Unsubscribe(sub.id())))
                .isInstanceOfSatisfying(
                        EwsResponseException.class,
                        e -> assertThat(e.subscriptionLost()).isTrue());
        client.execute(Subscribe.streaming(List.of(), EventType.mail()));
        assertThat(exchange.requests().get(1).header("Cookie"))
                .isEqualTo("X-BackEndOverrideCookie=CO1PR06MB222.prod.outlook.com~1941996295");
        assertThat(exchange.requests().get(1).header("X-PreferServerAffinity")).isEqualTo("true");
        assertThat(exchange.requests().get(3).body()).contains("SubscribeToAllFolders=\"true\"");
        assertThat(schema.validated()).containsExactly("Subscribe", "GetEvents", "Unsubscribe", "Subscribe");
    }

    @Test
    void exchange2007StyleDefaultNamespaceResponseParses() {
        exchange.thenSoap("<GetFolderResponse xmlns=\"http://schemas.microsoft.com/exchange/services/2006/messages\""
                + " xmlns:t=\"http://schemas.microsoft.com/exchange/services/2006/types\"><ResponseMessages>"
                + "<GetFolderResponseMessage ResponseClass=\"Success\"><ResponseCode>NoError</ResponseCode><Folders>"
                + "<t:Folder><t:FolderId Id=\"X\"/><t:DisplayName>Inbox</t:DisplayName></t:Folder></Folders>"
                + "</GetFolderResponseMessage></ResponseMessages></GetFolderResponse>");
        assertThat(client.folder(FolderRef.inbox()).displayName()).isEqualTo("Inbox");
    }

    @Test
    void everyDistinguishedFolderNameIsInTheSchema() {
        exchange.always(FakeExchange.soap(200, response("GetFolder", success("GetFolder", "<m:Folders/>"))));
        for (DistinguishedFolder f : DistinguishedFolder.values()) {
            client.execute(GetFolder.of(f.ref(), f.of("shared@northwind.local")));
        }
        assertThat(schema.validated()).hasSize(DistinguishedFolder.values().length);
    }
}
