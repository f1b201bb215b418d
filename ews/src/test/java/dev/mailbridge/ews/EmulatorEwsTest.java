package dev.mailbridge.ews;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.exchange.MailStore;
import dev.mailbridge.emulator.junit.EmulatorExtension;
import dev.mailbridge.emulator.junit.SignInBrowser;
import dev.mailbridge.emulator.junit.TestMessages;
import dev.mailbridge.ews.error.EwsAuthenticationException;
import dev.mailbridge.ews.error.EwsInvalidSyncStateException;
import dev.mailbridge.ews.model.DistinguishedFolder;
import dev.mailbridge.ews.model.EmailAddress;
import dev.mailbridge.ews.model.Folder;
import dev.mailbridge.ews.model.FolderChange;
import dev.mailbridge.ews.model.FolderRef;
import dev.mailbridge.ews.model.Item;
import dev.mailbridge.ews.model.ItemChange;
import dev.mailbridge.ews.model.ItemId;
import dev.mailbridge.ews.ops.CopyItem;
import dev.mailbridge.ews.ops.CreateFolder;
import dev.mailbridge.ews.ops.CreateItem;
import dev.mailbridge.ews.ops.DeleteItem;
import dev.mailbridge.ews.ops.FindFolder;
import dev.mailbridge.ews.ops.GetAttachment;
import dev.mailbridge.ews.ops.GetItem;
import dev.mailbridge.ews.ops.ItemShape;
import dev.mailbridge.ews.ops.ItemSync;
import dev.mailbridge.ews.ops.MoveItem;
import dev.mailbridge.ews.ops.ResolveNames;
import dev.mailbridge.ews.ops.SyncFolderHierarchy;
import dev.mailbridge.ews.ops.SyncFolderItems;
import dev.mailbridge.ews.ops.UpdateItem;
import dev.mailbridge.ews.support.EwsSchema;
import dev.mailbridge.identity.Secret;
import dev.mailbridge.identity.cloud.Cloud;
import dev.mailbridge.identity.cloud.CloudProfile;
import dev.mailbridge.identity.credential.AppRegistration;
import dev.mailbridge.identity.credential.BasicCredential;
import dev.mailbridge.identity.credential.ClientCredential;
import dev.mailbridge.identity.entra.DelegatedSignIn;
import dev.mailbridge.identity.entra.EntraTokens;
import dev.mailbridge.identity.http.HttpSettings;
import dev.mailbridge.identity.signin.SignInOptions;
import dev.mailbridge.identity.signin.SignInStart;
import dev.mailbridge.identity.token.InMemoryRefreshTokenStore;
import dev.mailbridge.identity.token.TokenSource;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The client against the emulator's Exchange over real HTTPS, in each sign-in mode. */
class EmulatorEwsTest {
    @RegisterExtension
    static final EmulatorExtension EMULATOR = EmulatorExtension.withDefaults();

    static final String TENANT = "contoso.onmicrosoft.com";
    static final String WEB_APP = "c0a7c0a7-0000-4000-8000-0000000000a1";
    static final String WEB_APP_SECRET = "Mbr8Q~emulator.web.app.secret.value.0001";
    static final String ADELE = "adele.vance@contoso.onmicrosoft.com";

    static Emulator emulator;
    static HttpSettings http;
    static URI ews;
    static EwsSchema.Validating schema = new EwsSchema.Validating();
    static EwsProtocol protocol;
    static TokenSource appTokens;

    @BeforeAll
    static void setUp() throws Exception {
        emulator = EMULATOR.emulator();
        http = HttpSettings.builder().trustPem(emulator.caCertificate()).build();
        ews = URI.create(emulator.loginUrl().toString().replaceAll("/$", "") + "/EWS/Exchange.asmx");
        protocol = EwsProtocol.builder(ews)
                .httpSettings(http)
                .requestObserver(schema)
                .build();
        CloudProfile cloud = Cloud.GLOBAL.profile().withAuthorityBase(emulator.loginUrl());
        AppRegistration app = AppRegistration.confidential(
                cloud, TENANT, WEB_APP, ClientCredential.secret(Secret.of(WEB_APP_SECRET)));
        appTokens = EntraTokens.appOnly(app, cloud.ewsAppScope(), http);
    }

    @AfterEach
    void everyRequestWasSchemaValid() {
        assertThat(schema.validated()).isNotEmpty();
        assertThat(schema.validatedResponses())
                .as("the emulator's answers were schema-validated too")
                .isNotEmpty();
    }

    static MailStore store() {
        return emulator.exchange().mailboxes();
    }

    static byte[] message(String subject, String to) {
        return TestMessages.plain(subject, to);
    }

    EwsClient adele() {
        return protocol.client(SignIn.appOnly(appTokens, ADELE));
    }

    @Test
    void appOnlyListsFoldersAndPagesThroughItems() {
        String name = "Paging-" + UUID.randomUUID();
        Folder folder =
                adele().execute(CreateFolder.of(FolderRef.inbox(), name)).single();
        for (int i = 0; i < 7; i++) {
            store().deliver(ADELE, name, message("page " + i, ADELE));
        }
        FindFolder.Page folders = adele().execute(FindFolder.of(DistinguishedFolder.MSGFOLDERROOT.ref(), true));
        assertThat(folders.folders()).extracting(Folder::displayName).contains("Inbox");
        List<Item> items = adele().findAllItems(folder.id(), 3);
        assertThat(items).hasSize(7);
        assertThat(items).extracting(Item::id).doesNotHaveDuplicates();
        assertThat(schema.headers()).anySatisfy(h -> assertThat(h).containsEntry("X-AnchorMailbox", ADELE));
    }

    @Test
    void getItemStreamsTheMimeContent() {
        byte[] original = message("mime " + UUID.randomUUID(), ADELE);
        String id = store().deliver(ADELE, original);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        long n = adele().downloadMime(ItemId.of(id), sink);
        assertThat(n).isEqualTo(sink.size());
        assertThat(sink.toString(StandardCharsets.UTF_8))
                .contains(new String(original, StandardCharsets.UTF_8)
                        .lines()
                        .filter(l -> l.startsWith("Subject:"))
                        .findFirst()
                        .orElseThrow());
        Item item = adele().execute(GetItem.of(List.of(ItemId.of(id)), ItemShape.defaults()))
                .single();
        assertThat(item.subject()).startsWith("mime ");
        assertThat(item.isRead()).isFalse();
    }

    @Test
    void sendsComposedAndRawMimeMessages() {
        int sentBefore = store().count(ADELE, "sentitems");
        String subject = "sent " + UUID.randomUUID();
        adele().execute(CreateItem.send(
                        CreateItem.NewMessage.text(subject, "Hi", "nestor.wilke@contoso.onmicrosoft.com")))
                .single();
        adele().execute(CreateItem.sendMime(() -> new java.io.ByteArrayInputStream(
                        message("raw " + subject, "nestor.wilke@contoso.onmicrosoft.com"))))
                .single();
        assertThat(store().count(ADELE, "sentitems")).isEqualTo(sentBefore + 2);
        assertThat(store().subjects(ADELE, "sentitems")).contains(subject, "raw " + subject);
    }

    @Test
    void syncPagesPast512ChangesAndRecoversFromAnInvalidState() {
        String name = "Sync-" + UUID.randomUUID();
        Folder folder =
                adele().execute(CreateFolder.of(FolderRef.inbox(), name)).single();
        assertThat(adele().folder(folder.id()).displayName()).isEqualTo(name);
        for (int i = 0; i < 600; i++) {
            store().deliver(ADELE, name, message("sync " + i, ADELE));
        }
        SyncFolderItems request = SyncFolderItems.of(folder.id(), null);
        List<SyncFolderItems.Result> pages = new ArrayList<>();
        SyncFolderItems.Result page;
        do {
            page = adele().execute(request);
            pages.add(page);
            request = request.next(page);
        } while (!page.includesLastItemInRange());
        assertThat(pages.get(0).changes()).hasSize(512);
        assertThat(pages.stream().mapToInt(p -> p.changes().size()).sum()).isEqualTo(600);
        assertThat(pages.get(0).changes()).allMatch(c -> c instanceof ItemChange.Create);

        store().invalidateSyncStates();
        SyncFolderItems stale = request;
        assertThatThrownBy(() -> adele().execute(stale)).isInstanceOf(EwsInvalidSyncStateException.class);
        SyncFolderItems.Result fresh = adele().execute(SyncFolderItems.of(folder.id(), null));
        assertThat(fresh.changes()).isNotEmpty();
    }

    @Test
    void movingAnItemChangesItsId() {
        String id = store().deliver(ADELE, message("move me", ADELE));
        EwsClient client = adele();
        ItemId current = client.execute(GetItem.of(List.of(ItemId.of(id)), ItemShape.idOnly()))
                .single()
                .id();
        ItemId updated = client.execute(UpdateItem.markRead(current, true)).single();
        client.execute(UpdateItem.categories(updated, List.of("Processed"))).single();
        ItemId moved = client.execute(MoveItem.of(ItemId.of(id), DistinguishedFolder.DELETEDITEMS.ref()))
                .single();
        assertThat(moved.id()).isNotEqualTo(id);
        Responses<Item> old = client.execute(GetItem.of(List.of(ItemId.of(id)), ItemShape.idOnly()));
        assertThat(old.get(0).error().responseCode()).contains("ErrorItemNotFound");
        Item after = client.execute(
                        GetItem.of(List.of(moved), ItemShape.defaults().with("item:Categories")))
                .single();
        assertThat(after.isRead()).isTrue();
        assertThat(after.categories()).containsExactly("Processed");
    }

    /** Counts what the client asks of the real token source. */
    static final class Counting implements TokenSource {
        final TokenSource delegate;
        final java.util.concurrent.atomic.AtomicInteger invalidations = new java.util.concurrent.atomic.AtomicInteger();

        Counting(TokenSource delegate) {
            this.delegate = delegate;
        }

        @Override
        public dev.mailbridge.identity.token.AccessToken token() {
            return delegate.token();
        }

        @Override
        public dev.mailbridge.identity.token.AccessToken refreshNow() {
            return delegate.refreshNow();
        }

        @Override
        public boolean invalidate(String rejected) {
            invalidations.incrementAndGet();
            return delegate.invalidate(rejected);
        }
    }

    @Test
    void expiredTokenIsRefreshedOnce() {
        Counting tokens = new Counting(appTokens);
        EwsClient client = protocol.client(SignIn.appOnly(tokens, ADELE));
        client.folder(FolderRef.inbox());
        assertThat(tokens.invalidations).hasValue(0);
        emulator.clock().advance(Duration.ofHours(3));
        assertThat(client.folder(FolderRef.inbox()).displayName()).isEqualTo("Inbox");
        assertThat(tokens.invalidations).hasValue(1);
    }

    @Test
    void delegatedOAuthReadsTheSignedInUsersMailbox() throws Exception {
        CloudProfile cloud = Cloud.GLOBAL.profile().withAuthorityBase(emulator.loginUrl());
        AppRegistration app = AppRegistration.confidential(
                cloud, TENANT, WEB_APP, ClientCredential.secret(Secret.of(WEB_APP_SECRET)));
        InMemoryRefreshTokenStore vault = new InMemoryRefreshTokenStore();
        DelegatedSignIn signIn = new DelegatedSignIn(app, http, vault);
        URI callback = URI.create("http://localhost:8080/oauth2/callback");
        SignInStart start = signIn.start(
                "adele",
                SignInOptions.builder(callback, Set.of(cloud.ewsDelegatedScope()))
                        .build());
        Map<String, String> params = new SignInBrowser(emulator.sslContext())
                .signIn(
                        start.authorizationUrl(),
                        callback.toString(),
                        SignInBrowser.Person.of(ADELE, "Adele-Passw0rd!"))
                .params();
        signIn.complete(start.pending(), params);
        TokenSource tokens = EntraTokens.delegated(app, Set.of(cloud.ewsDelegatedScope()), vault, "adele", http);
        EwsClient client = protocol.client(SignIn.delegated(tokens, ADELE));
        String id = store().deliver(ADELE, message("delegated", ADELE));
        assertThat(client.execute(GetItem.of(List.of(ItemId.of(id)), ItemShape.defaults()))
                        .single()
                        .subject())
                .isEqualTo("delegated");
        assertThat(client.signIn().impersonates()).isFalse();
    }

    @Test
    void basicEndUserAndBasicImpersonationOnPremises() {
        EwsClient nancy = protocol.client(
                SignIn.basic(BasicCredential.of("nancy.davolio@northwind.local", Secret.of("Nancy-Passw0rd!"))));
        assertThat(nancy.folder(FolderRef.inbox()).displayName()).isEqualTo("Inbox");
        EwsClient service = protocol.client(
                SignIn.basic(BasicCredential.of("ews.service@northwind.local", Secret.of("Ews-Service1!"))
                        .impersonating("nancy.davolio@northwind.local")));
        String id =
                store().deliver("nancy.davolio@northwind.local", message("for nancy", "nancy.davolio@northwind.local"));
        Item item = service.execute(GetItem.of(List.of(ItemId.of(id)), ItemShape.defaults()))
                .single();
        assertThat(item.subject()).isEqualTo("for nancy");
        EwsClient wrong =
                protocol.client(SignIn.basic(BasicCredential.of("nancy.davolio@northwind.local", Secret.of("wrong"))));
        assertThatThrownBy(() -> wrong.folder(FolderRef.inbox())).isInstanceOf(EwsAuthenticationException.class);
    }

    @Test
    void hierarchyNamesCopyDeleteAndAttachments() {
        EwsClient client = adele();
        SyncFolderHierarchy.Result hierarchy = client.execute(SyncFolderHierarchy.of(null));
        assertThat(hierarchy.syncState()).isNotBlank();
        assertThat(hierarchy.changes())
                .filteredOn(c -> c instanceof FolderChange.Create)
                .extracting(c -> ((FolderChange.Create) c).folder().displayName())
                .contains("Inbox");

        Outcome<List<EmailAddress>> names = client.execute(new ResolveNames("adele"));
        assertThat(names.orThrow()).extracting(EmailAddress::address).contains(ADELE);

        String attachment = "attachment body " + UUID.randomUUID();
        byte[] mime = ("From: sender@example.com\r\nTo: " + ADELE + "\r\nSubject: with attachment\r\n"
                        + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
                        + "--b1\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
                        + "--b1\r\nContent-Type: text/plain; name=\"a.txt\"\r\nContent-Disposition: attachment; filename=\"a.txt\"\r\n"
                        + "Content-Transfer-Encoding: base64\r\n\r\n"
                        + java.util.Base64.getMimeEncoder().encodeToString(attachment.getBytes(StandardCharsets.UTF_8))
                        + "\r\n--b1--\r\n")
                .getBytes(StandardCharsets.UTF_8);
        String id = store().deliver(ADELE, mime);
        Item item = client.execute(
                        GetItem.of(List.of(ItemId.of(id)), ItemShape.defaults().with("item:Attachments")))
                .single();
        assertThat(item.attachments()).extracting(a -> a.name()).contains("a.txt");
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        client.execute(new GetAttachment(List.of(item.attachments().get(0).id()), (attId, name) -> content))
                .single();
        assertThat(content.toString(StandardCharsets.UTF_8)).isEqualTo(attachment);

        ItemId copy = client.execute(CopyItem.of(ItemId.of(id), DistinguishedFolder.DRAFTS.ref()))
                .single();
        assertThat(copy.id()).isNotEqualTo(id);
        client.execute(DeleteItem.hard(copy)).single();
        assertThat(client.execute(GetItem.of(List.of(copy), ItemShape.idOnly()))
                        .get(0)
                        .ok())
                .isFalse();
    }

    @Test
    void itemSyncLoopRestartsOnceFromAnInvalidState() {
        String name = "Loop-" + UUID.randomUUID();
        Folder folder =
                adele().execute(CreateFolder.of(FolderRef.inbox(), name)).single();
        for (int i = 0; i < 5; i++) {
            store().deliver(ADELE, name, message("loop " + i, ADELE));
        }
        List<ItemChange> seen = new ArrayList<>();
        ItemSync.Result first = ItemSync.run(adele(), folder.id(), null, (changes, state) -> seen.addAll(changes));
        assertThat(first.changes()).isEqualTo(5);
        assertThat(first.restarted()).isFalse();

        store().invalidateSyncStates();
        int[] resets = {0};
        seen.clear();
        ItemSync.Result again = ItemSync.run(adele(), folder.id(), first.syncState(), new ItemSync.Handler() {
            @Override
            public void page(List<ItemChange> changes, String newSyncState) {
                seen.addAll(changes);
            }

            @Override
            public void reset() {
                resets[0]++;
            }
        });
        assertThat(again.restarted()).isTrue();
        assertThat(resets[0]).isEqualTo(1);
        assertThat(seen).hasSize(5).allMatch(c -> c instanceof ItemChange.Create);
    }
}
