package dev.mailbridge.emulator.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import microsoft.exchange.webservices.data.core.ExchangeService;
import microsoft.exchange.webservices.data.core.PropertySet;
import microsoft.exchange.webservices.data.core.enumeration.misc.ExchangeVersion;
import microsoft.exchange.webservices.data.core.enumeration.misc.TraceFlags;
import microsoft.exchange.webservices.data.core.enumeration.notification.EventType;
import microsoft.exchange.webservices.data.core.enumeration.property.BasePropertySet;
import microsoft.exchange.webservices.data.core.enumeration.property.WellKnownFolderName;
import microsoft.exchange.webservices.data.core.enumeration.service.SyncFolderItemsScope;
import microsoft.exchange.webservices.data.core.service.folder.Folder;
import microsoft.exchange.webservices.data.core.service.item.EmailMessage;
import microsoft.exchange.webservices.data.core.service.item.Item;
import microsoft.exchange.webservices.data.core.service.schema.ItemSchema;
import microsoft.exchange.webservices.data.credential.WebCredentials;
import microsoft.exchange.webservices.data.notification.GetEventsResults;
import microsoft.exchange.webservices.data.notification.ItemEvent;
import microsoft.exchange.webservices.data.notification.NotificationEvent;
import microsoft.exchange.webservices.data.notification.PullSubscription;
import microsoft.exchange.webservices.data.notification.StreamingSubscription;
import microsoft.exchange.webservices.data.notification.StreamingSubscriptionConnection;
import microsoft.exchange.webservices.data.property.complex.FolderId;
import microsoft.exchange.webservices.data.property.complex.ItemId;
import microsoft.exchange.webservices.data.property.complex.MessageBody;
import microsoft.exchange.webservices.data.search.FindFoldersResults;
import microsoft.exchange.webservices.data.search.FindItemsResults;
import microsoft.exchange.webservices.data.search.FolderView;
import microsoft.exchange.webservices.data.search.ItemView;
import microsoft.exchange.webservices.data.sync.ChangeCollection;
import microsoft.exchange.webservices.data.sync.ItemChange;

/** ews-java-api scenarios run by {@link EwsJavaApiTest}, each SOAP message it exchanges schema-validated. */
public final class EwsJavaApiScenarios {
    final List<String> validated = new ArrayList<>();
    final String url;

    public EwsJavaApiScenarios(String url) {
        this.url = url;
    }

    public int validatedCount() {
        return validated.size();
    }

    ExchangeService service() throws Exception {
        ExchangeService service = new ExchangeService(ExchangeVersion.Exchange2010_SP2);
        service.setUrl(new URI(url));
        service.setTraceEnabled(true);
        service.setTraceFlags(EnumSet.of(TraceFlags.EwsRequest, TraceFlags.EwsResponse));
        service.setTraceListener((type, message) -> {
            int start = message.indexOf("<?xml");
            if (start < 0) {
                start = message.indexOf('<', message.indexOf('>') + 1);
            }
            int end = message.lastIndexOf("</Trace>");
            String xml =
                    message.substring(start, end < 0 ? message.length() : end).trim();
            if (xml.contains("Envelope")) {
                try {
                    EwsSchemaValidator.validateEnvelope(EwsSchemaValidator.streamingErratum(xml));
                    validated.add(type);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        });
        return service;
    }

    ExchangeService basic(String user, String password) throws Exception {
        ExchangeService s = service();
        s.setCredentials(new WebCredentials(user, password));
        return s;
    }

    public void basicAuthOnPremisesFindFolderFindItemGetItemWithMime() throws Exception {
        ExchangeService service = basic(EwsTestSupport.NANCY, "Nancy-Passw0rd!");
        FindFoldersResults folders = service.findFolders(WellKnownFolderName.MsgFolderRoot, new FolderView(50));
        List<String> names = new ArrayList<>();
        for (Folder f : folders.getFolders()) {
            names.add(f.getDisplayName());
        }
        assertThat(names).contains("Inbox", "Sent Items", "Drafts", "Deleted Items");
        FindItemsResults<Item> items = service.findItems(WellKnownFolderName.Inbox, new ItemView(10));
        assertThat(items.getTotalCount()).isEqualTo(1);
        Item first = items.getItems().get(0);
        assertThat(first.getSubject()).isEqualTo("Quarterly numbers");
        EmailMessage full = EmailMessage.bind(
                service, first.getId(), new PropertySet(BasePropertySet.FirstClassProperties, ItemSchema.MimeContent));
        assertThat(new String(full.getMimeContent().getContent(), StandardCharsets.UTF_8))
                .contains("Subject: Quarterly numbers");
        assertThat(full.getFrom().getAddress()).isEqualTo("bob@example.com");
        assertThat(full.getIsRead()).isFalse();
        full.setIsRead(true);
        full.update(microsoft.exchange.webservices.data.core.enumeration.service.ConflictResolutionMode.AutoResolve);
        assertThat(EmailMessage.bind(service, full.getId()).getIsRead()).isTrue();
    }

    public void sendAndSyncFolderItems() throws Exception {
        ExchangeService nancy = basic(EwsTestSupport.NANCY, "Nancy-Passw0rd!");
        ExchangeService admin = basic("administrator@northwind.local", "Northwind-Admin1!");
        ChangeCollection<ItemChange> initial = admin.syncFolderItems(
                new FolderId(WellKnownFolderName.Inbox),
                PropertySet.IdOnly,
                null,
                512,
                SyncFolderItemsScope.NormalItems,
                null);
        String state = initial.getSyncState();

        EmailMessage m = new EmailMessage(nancy);
        m.setSubject("Lunch?");
        m.setBody(MessageBody.getMessageBodyFromText("Noon at the usual place."));
        m.getToRecipients().add("administrator@northwind.local");
        m.sendAndSaveCopy();
        EmailMessage m2 = new EmailMessage(nancy);
        m2.setSubject("Second");
        m2.setBody(MessageBody.getMessageBodyFromText("no copy"));
        m2.getToRecipients().add("administrator@northwind.local");
        m2.send();

        ChangeCollection<ItemChange> changes = admin.syncFolderItems(
                new FolderId(WellKnownFolderName.Inbox),
                PropertySet.IdOnly,
                null,
                512,
                SyncFolderItemsScope.NormalItems,
                state);
        assertThat(changes.getCount()).isEqualTo(2);
        assertThat(changes.getMoreChangesAvailable()).isFalse();
        List<String> subjects = new ArrayList<>();
        for (ItemChange c : changes) {
            subjects.add(EmailMessage.bind(admin, c.getItemId()).getSubject());
        }
        assertThat(subjects).containsExactlyInAnyOrder("Lunch?", "Second");
    }

    public void oauthBearerForExchangeOnline(String token) throws Exception {
        ExchangeService service = service();
        service.getHttpHeaders().put("Authorization", "Bearer " + token);
        FindItemsResults<Item> items = service.findItems(WellKnownFolderName.Inbox, new ItemView(100));
        assertThat(items.getItems()).extracting(Item::getSubject).contains("Cloud hello");
        assertThat(service.getServerInfo().getMajorVersion()).isEqualTo(15);
    }

    /**
     * A streaming subscription on the inbox through {@code StreamingSubscriptionConnection}: the
     * delivered message arrives as a NewMail event; the connection then closes cleanly.
     */
    public void streamingNewMail(String user, String password, Runnable deliver) throws Exception {
        ExchangeService service = basic(user, password);
        StreamingSubscription sub = service.subscribeToStreamingNotifications(
                List.of(new FolderId(WellKnownFolderName.Inbox)), EventType.NewMail, EventType.Created);
        StreamingSubscriptionConnection conn = new StreamingSubscriptionConnection(service, 1);
        BlockingQueue<NotificationEvent> events = new LinkedBlockingQueue<>();
        BlockingQueue<Object> disconnects = new LinkedBlockingQueue<>();
        conn.addSubscription(sub);
        conn.addOnNotificationEvent((sender, args) -> args.getEvents().forEach(events::add));
        conn.addOnSubscriptionError(
                (sender, args) -> disconnects.add(args.getException() == null ? "error" : args.getException()));
        conn.addOnDisconnect(
                (sender, args) -> disconnects.add(args.getException() == null ? "disconnected" : args.getException()));
        conn.open();
        try {
            deliver.run();
            List<EventType> seen = new ArrayList<>();
            String itemId = null;
            while (!seen.contains(EventType.NewMail)) {
                NotificationEvent e = events.poll(15, TimeUnit.SECONDS);
                assertThat(e).as("notification (disconnects: %s)", disconnects).isNotNull();
                seen.add(e.getEventType());
                if (e instanceof ItemEvent ie && e.getEventType() == EventType.NewMail) {
                    itemId = ie.getItemId().getUniqueId();
                }
            }
            assertThat(seen).containsExactly(EventType.Created, EventType.NewMail);
            assertThat(EmailMessage.bind(service, new ItemId(itemId)).getSubject())
                    .isEqualTo("Streamed to EWSMA");
            // The server ends the connection with ConnectionStatus Closed after the (shortened) minute.
            Object d = disconnects.poll(15, TimeUnit.SECONDS);
            assertThat(d).isEqualTo("disconnected");
        } finally {
            if (conn.getIsOpen()) {
                conn.close();
            }
        }
    }

    /** A pull subscription: GetEvents returns the NewMail event of the delivered message. */
    public void pullNewMail(String user, String password, Runnable deliver) throws Exception {
        ExchangeService service = basic(user, password);
        PullSubscription sub = service.subscribeToPullNotifications(
                List.of(new FolderId(WellKnownFolderName.Inbox)), 5, null, EventType.NewMail);
        String first = sub.getWaterMark();
        assertThat(first).isNotBlank();
        deliver.run();
        GetEventsResults results = sub.getEvents();
        List<ItemEvent> items = new ArrayList<>();
        results.getItemEvents().forEach(items::add);
        assertThat(items).hasSize(1);
        assertThat(items.get(0).getEventType()).isEqualTo(EventType.NewMail);
        assertThat(EmailMessage.bind(service, items.get(0).getItemId()).getSubject())
                .isEqualTo("Pulled by EWSMA");
        assertThat(sub.getWaterMark()).isNotEqualTo(first);
        GetEventsResults none = sub.getEvents();
        assertThat(none.getItemEvents()).isEmpty();
        sub.unsubscribe();
    }
}
