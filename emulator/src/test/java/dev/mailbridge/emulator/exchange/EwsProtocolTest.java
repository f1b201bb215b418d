package dev.mailbridge.emulator.exchange;

import static dev.mailbridge.emulator.exchange.EwsTestSupport.ADELE;
import static dev.mailbridge.emulator.exchange.EwsTestSupport.EWS_SERVICE;
import static dev.mailbridge.emulator.exchange.EwsTestSupport.NANCY;
import static dev.mailbridge.emulator.exchange.EwsTestSupport.basic;
import static dev.mailbridge.emulator.exchange.EwsTestSupport.impersonate;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EwsProtocolTest extends ExchangeEmulatorTest {

    static String findItemIds(String folder) {
        return "<m:FindItem Traversal=\"Shallow\"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>"
                + "<m:IndexedPageItemView MaxEntriesReturned=\"100\" Offset=\"0\" BasePoint=\"Beginning\"/>"
                + "<m:ParentFolderIds><t:DistinguishedFolderId Id=\"" + folder
                + "\"/></m:ParentFolderIds></m:FindItem>";
    }

    static String sync(String folder, String state, int max) {
        return "<m:SyncFolderItems><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:SyncFolderId><t:DistinguishedFolderId Id=\""
                + folder + "\"/></m:SyncFolderId>" + (state == null ? "" : "<m:SyncState>" + state + "</m:SyncState>")
                + "<m:MaxChangesReturned>" + max
                + "</m:MaxChangesReturned><m:SyncScope>NormalItems</m:SyncScope></m:SyncFolderItems>";
    }

    static final String GET_INBOX = "<m:GetFolder><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape>"
            + "<m:FolderIds><t:DistinguishedFolderId Id=\"inbox\"/></m:FolderIds></m:GetFolder>";

    // ----- authentication -----

    @Test
    void noCredentialsGets401WithBearerAndBasicChallenges() throws Exception {
        EwsTestSupport.Soap r = ews.raw(null, EwsTestSupport.envelope(null, GET_INBOX), Map.of());
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.http().headers().allValues("WWW-Authenticate"))
                .anySatisfy(v -> assertThat(v).startsWith("Bearer client_id=\"00000002-0000-0ff1-ce00-000000000000\""))
                .anySatisfy(v -> assertThat(v).startsWith("Basic realm="));
        EwsTestSupport.Soap online =
                ews.raw(null, EwsTestSupport.envelope(null, GET_INBOX), Map.of("X-AnchorMailbox", ADELE));
        assertThat(online.http().headers().allValues("WWW-Authenticate")).hasSize(1);
    }

    @Test
    void malformedTokenIs2000001() throws Exception {
        EwsTestSupport.Soap r = ews.call("Bearer not-a-jwt", null, GET_INBOX);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate"))
                .isEqualTo(
                        "Bearer client_id=\"00000002-0000-0ff1-ce00-000000000000\", trusted_issuers=\"00000001-0000-0000-c000-000000000000@*\", "
                                + "token_types=\"app_asserted_user_v1 service_asserted_app_v1\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", error=\"invalid_token\"");
        assertThat(r.header("x-ms-diagnostics"))
                .startsWith("2000001;reason=\"")
                .endsWith(";error_category=\"invalid_token\"");
    }

    @Test
    void tamperedSignatureIs2000000() throws Exception {
        String[] parts = appToken.split("\\.");
        String tampered = parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 4) + "AAAA";
        EwsTestSupport.Soap r =
                ews.call("Bearer " + tampered, impersonate(ADELE), GET_INBOX, Map.of("X-AnchorMailbox", ADELE));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("x-ms-diagnostics"))
                .startsWith("2000000;")
                .contains("error_category=\"invalid_signature\"");
    }

    @Test
    void expiredTokenIs2000002() throws Exception {
        emulator.clock().advance(Duration.ofHours(3));
        EwsTestSupport.Soap r =
                ews.call("Bearer " + appToken, impersonate(ADELE), GET_INBOX, Map.of("X-AnchorMailbox", ADELE));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("x-ms-diagnostics"))
                .isEqualTo("2000002;reason=\"The token has expired.\";error_category=\"token_expired\"");
    }

    @Test
    void graphTokenIs2000003WrongAudience() throws Exception {
        String graph = ews.appToken("https://graph.microsoft.com/.default");
        EwsTestSupport.Soap r =
                ews.call("Bearer " + graph, impersonate(ADELE), GET_INBOX, Map.of("X-AnchorMailbox", ADELE));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("x-ms-diagnostics"))
                .startsWith("2000003;reason=\"The audience claim value is invalid")
                .endsWith("error_category=\"invalid_resource\"");
    }

    @Test
    void appOnlyTokenNeedsImpersonationHeader() throws Exception {
        EwsTestSupport.Soap r = ews.call("Bearer " + appToken, null, GET_INBOX, Map.of("X-AnchorMailbox", ADELE));
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.first("faultcode")).isEqualTo("a:ErrorInvalidExchangeImpersonationHeaderData");
        assertThat(r.first("faultstring"))
                .isEqualTo("ExchangeImpersonation SOAP header must be present for this type of OAuth token.");
        EwsTestSupport.Soap ok = asApp(ADELE, GET_INBOX);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.first("DisplayName")).isEqualTo("Inbox");
        assertThat(ok.attr("ServerVersionInfo", "MajorVersion")).isEqualTo("15");
        assertThat(ok.attr("ServerVersionInfo", "MinorVersion")).isEqualTo("20");
    }

    @Test
    void delegatedTokenReachesOwnMailboxOnly() throws Exception {
        String token = ews.adeleToken();
        EwsTestSupport.Soap r = ews.call("Bearer " + token, null, GET_INBOX);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.responseCode()).isEqualTo("NoError");
        EwsTestSupport.Soap imp = ews.call("Bearer " + token, impersonate("admin@contoso.onmicrosoft.com"), GET_INBOX);
        assertThat(imp.status()).isEqualTo(500);
        assertThat(imp.first("faultcode")).isEqualTo("a:ErrorImpersonateUserDenied");
        EwsTestSupport.Soap other = ews.call(
                "Bearer " + token,
                null,
                "<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id=\"inbox\">"
                        + "<t:Mailbox><t:EmailAddress>admin@contoso.onmicrosoft.com</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId></m:FolderIds></m:GetFolder>");
        assertThat(other.responseCode()).isEqualTo("ErrorAccessDenied");
    }

    @Test
    void basicAuthOnPremisesAndImpersonationRole() throws Exception {
        EwsTestSupport.Soap r = ews.call(basic(NANCY, "Nancy-Passw0rd!"), null, GET_INBOX);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.attr("ServerVersionInfo", "MinorVersion")).isEqualTo("2");
        assertThat(ews.call(basic(NANCY, "wrong"), null, GET_INBOX).status()).isEqualTo(401);
        EwsTestSupport.Soap denied =
                ews.call(basic(NANCY, "Nancy-Passw0rd!"), impersonate("administrator@northwind.local"), GET_INBOX);
        assertThat(denied.status()).isEqualTo(500);
        assertThat(denied.first("faultcode")).isEqualTo("a:ErrorImpersonateUserDenied");
        EwsTestSupport.Soap allowed = ews.call(basic(EWS_SERVICE, "Ews-Service1!"), impersonate(NANCY), GET_INBOX);
        assertThat(allowed.status()).isEqualTo(200);
        EwsTestSupport.Soap foreign = ews.call(basic(EWS_SERVICE, "Ews-Service1!"), impersonate(ADELE), GET_INBOX);
        assertThat(foreign.first("faultcode")).isEqualTo("a:ErrorNonExistentMailbox");
        // Exchange Online does not take Basic any more.
        EwsTestSupport.Soap online = ews.call(basic(ADELE, "Adele-Passw0rd!"), null, GET_INBOX);
        assertThat(online.status()).isEqualTo(401);
        assertThat(online.header("WWW-Authenticate")).startsWith("Bearer ");
    }

    @Test
    void ewsDisabledGives403() throws Exception {
        String smtp = freshMailbox();
        ews.control("POST", "/mailboxes/" + smtp + "/ews-enabled", "{\"enabled\":false}");
        assertThat(asApp(smtp, GET_INBOX).status()).isEqualTo(403);
        assertThat(asApp(ADELE, GET_INBOX).status()).isEqualTo(200);
        ews.control("POST", "/organizations/contoso.onmicrosoft.com", "{\"ewsEnabled\":false}");
        assertThat(asApp(ADELE, GET_INBOX).status()).isEqualTo(403);
        ews.control("POST", "/organizations/contoso.onmicrosoft.com", "{\"ewsEnabled\":null}");
        ews.control("POST", "/apps/" + EwsTestSupport.WEB_APP, "{\"ewsEnabled\":false}");
        assertThat(asApp(ADELE, GET_INBOX).status()).isEqualTo(403);
    }

    // ----- faults and hostile input -----

    @Test
    void throttlingAndUnavailable() throws Exception {
        ews.control("POST", "/faults/throttle", "{\"count\":1,\"backOffMilliseconds\":297749}");
        EwsTestSupport.Soap busy = asApp(ADELE, GET_INBOX);
        assertThat(busy.status()).isEqualTo(500);
        assertThat(busy.first("faultcode")).isEqualTo("a:ErrorServerBusy");
        assertThat(busy.first("Value")).isEqualTo("297749");
        assertThat(asApp(ADELE, GET_INBOX).status()).isEqualTo(200);
        ews.control("POST", "/faults/unavailable", "{\"count\":1}");
        assertThat(asApp(ADELE, GET_INBOX).status()).isEqualTo(503);
        assertThat(asApp(ADELE, GET_INBOX).status()).isEqualTo(200);
    }

    @Test
    void hostileAndMalformedXmlGetCleanFaults() throws Exception {
        String auth = "Bearer " + appToken;
        Map<String, String> anchor = Map.of("X-AnchorMailbox", ADELE);
        String dtd =
                "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]>"
                        + EwsTestSupport.envelope(impersonate(ADELE), GET_INBOX)
                                .replaceFirst("<\\?xml[^>]*>", "")
                                .replace("Inbox", "&lol2;");
        EwsTestSupport.Soap r1 = ews.raw(auth, dtd, anchor);
        assertThat(r1.status()).isEqualTo(500);
        assertThat(r1.first("ResponseCode")).isEqualTo("ErrorSchemaValidation");
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><x>&xxe;</x>";
        EwsTestSupport.Soap r2 = ews.raw(auth, xxe, anchor);
        assertThat(r2.status()).isEqualTo(500);
        assertThat(r2.body()).doesNotContain("root:");
        EwsTestSupport.Soap r3 = ews.raw(
                auth,
                "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">\n<soap:Body><unclosed></soap:Body>",
                anchor);
        assertThat(r3.status()).isEqualTo(500);
        assertThat(r3.first("ResponseCode")).isEqualTo("ErrorSchemaValidation");
        assertThat(r3.first("LineNumber")).isEqualTo("2");
        StringBuilder deep = new StringBuilder();
        deep.append("<a>".repeat(500)).append("</a>".repeat(500));
        EwsTestSupport.Soap r4 = ews.raw(auth, deep.toString(), anchor);
        assertThat(r4.status()).isEqualTo(500);
        assertThat(r4.first("ResponseCode")).isEqualTo("ErrorSchemaValidation");
        EwsTestSupport.Soap r5 =
                ews.raw(auth, EwsTestSupport.envelope(impersonate(ADELE), "<m:NoSuchOperation/>"), anchor);
        assertThat(r5.first("ResponseCode")).isEqualTo("ErrorSchemaValidation");
        EwsTestSupport.Soap r6 = ews.raw(
                auth,
                EwsTestSupport.envelope(impersonate(ADELE), GET_INBOX).replace("Exchange2016", "Exchange1999"),
                anchor);
        assertThat(r6.first("ResponseCode")).isEqualTo("ErrorInvalidServerVersion");
    }

    // ----- operations -----

    @Test
    void findGetMoveChangesItemIdAndKeepsFolderId() throws Exception {
        String smtp = freshMailbox();
        emulator.exchange()
                .store()
                .deliver(smtp, EwsTestSupport.mime("a@example.com", smtp, "Hello move", "body text"));
        EwsTestSupport.Soap found = asApp(smtp, findItemIds("inbox"));
        assertThat(found.attr("RootFolder", "TotalItemsInView")).isEqualTo("1");
        String id = found.attr("ItemId", "Id");
        EwsTestSupport.Soap got = asApp(
                smtp,
                "<m:GetItem><m:ItemShape><t:BaseShape>Default</t:BaseShape><t:IncludeMimeContent>true</t:IncludeMimeContent></m:ItemShape>"
                        + "<m:ItemIds><t:ItemId Id=\"" + id + "\"/></m:ItemIds></m:GetItem>");
        assertThat(got.first("Subject")).isEqualTo("Hello move");
        assertThat(new String(Base64.getDecoder().decode(got.first("MimeContent")), StandardCharsets.UTF_8))
                .contains("Subject: Hello move");
        assertThat(got.attr("MimeContent", "CharacterSet")).isEqualTo("UTF-8");
        assertThat(got.first("IsRead")).isEqualTo("false");
        assertThat(asApp(smtp, GET_INBOX).first("UnreadCount")).isEqualTo("1");
        EwsTestSupport.Soap moved = asApp(
                smtp,
                "<m:MoveItem><m:ToFolderId><t:DistinguishedFolderId Id=\"junkemail\"/></m:ToFolderId><m:ItemIds><t:ItemId Id=\""
                        + id + "\"/></m:ItemIds></m:MoveItem>");
        String newId = moved.attr("ItemId", "Id");
        assertThat(newId).isNotEqualTo(id);
        assertThat(asApp(smtp, GET_INBOX).first("UnreadCount")).isEqualTo("0");
        assertThat(asApp(smtp, GET_INBOX.replace("\"inbox\"", "\"junkemail\"")).first("UnreadCount"))
                .isEqualTo("1");
        EwsTestSupport.Soap old = asApp(
                smtp,
                "<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ItemIds><t:ItemId Id=\"" + id
                        + "\"/></m:ItemIds></m:GetItem>");
        assertThat(old.attr("GetItemResponseMessage", "ResponseClass")).isEqualTo("Error");
        assertThat(old.responseCode()).isEqualTo("ErrorItemNotFound");
        assertThat(old.first("MessageText")).isEqualTo("The specified object was not found in the store.");
        assertThat(old.first("DescriptiveLinkKey")).isEqualTo("0");
        EwsTestSupport.Soap malformed = asApp(
                smtp,
                "<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ItemIds><t:ItemId Id=\"garbage\"/></m:ItemIds></m:GetItem>");
        assertThat(malformed.responseCode()).isEqualTo("ErrorInvalidIdMalformed");
        String f1 = asApp(smtp, GET_INBOX.replace("Default", "IdOnly")).attr("FolderId", "Id");
        String f2 = asApp(smtp, GET_INBOX.replace("Default", "IdOnly")).attr("FolderId", "Id");
        assertThat(f1).isEqualTo(f2);
    }

    @Test
    void updateItemChangesChangeKeyAndSyncReportsReadFlagChange() throws Exception {
        String smtp = freshMailbox();
        emulator.exchange().store().deliver(smtp, EwsTestSupport.mime("a@example.com", smtp, "Read me", "x"));
        EwsTestSupport.Soap first = asApp(smtp, sync("inbox", null, 10));
        assertThat(first.all("Create")).hasSize(1);
        String state = first.first("SyncState");
        String id = first.attr("ItemId", "Id");
        String ck = first.attr("ItemId", "ChangeKey");
        EwsTestSupport.Soap upd = asApp(
                smtp,
                "<m:UpdateItem MessageDisposition=\"SaveOnly\" ConflictResolution=\"AutoResolve\"><m:ItemChanges><t:ItemChange>"
                        + "<t:ItemId Id=\"" + id + "\" ChangeKey=\"" + ck
                        + "\"/><t:Updates><t:SetItemField><t:FieldURI FieldURI=\"message:IsRead\"/>"
                        + "<t:Message><t:IsRead>true</t:IsRead></t:Message></t:SetItemField></t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>");
        assertThat(upd.responseCode()).isEqualTo("NoError");
        assertThat(upd.attr("ItemId", "ChangeKey")).isNotEqualTo(ck);
        assertThat(asApp(smtp, GET_INBOX).first("UnreadCount")).isEqualTo("0");
        EwsTestSupport.Soap second = asApp(smtp, sync("inbox", state, 10));
        assertThat(second.all("ReadFlagChange")).hasSize(1);
        assertThat(second.first("IsRead")).isEqualTo("true");
        EwsTestSupport.Soap stale = asApp(
                smtp,
                "<m:UpdateItem MessageDisposition=\"SaveOnly\" ConflictResolution=\"NeverOverwrite\"><m:ItemChanges><t:ItemChange>"
                        + "<t:ItemId Id=\"" + id + "\" ChangeKey=\"" + ck
                        + "\"/><t:Updates><t:AppendToItemField><t:FieldURI FieldURI=\"item:Categories\"/>"
                        + "<t:Message><t:Categories><t:String>Blue</t:String></t:Categories></t:Message></t:AppendToItemField></t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>");
        assertThat(stale.responseCode()).isEqualTo("ErrorIrresolvableConflict");
        EwsTestSupport.Soap cat = asApp(
                smtp,
                "<m:UpdateItem MessageDisposition=\"SaveOnly\" ConflictResolution=\"AlwaysOverwrite\"><m:ItemChanges><t:ItemChange>"
                        + "<t:ItemId Id=\"" + id
                        + "\"/><t:Updates><t:AppendToItemField><t:FieldURI FieldURI=\"item:Categories\"/>"
                        + "<t:Message><t:Categories><t:String>Blue</t:String></t:Categories></t:Message></t:AppendToItemField></t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>");
        assertThat(cat.responseCode()).isEqualTo("NoError");
        EwsTestSupport.Soap third = asApp(smtp, sync("inbox", second.first("SyncState"), 10));
        assertThat(third.all("Update")).hasSize(1);
        assertThat(third.first("String")).isNull();
    }

    @Test
    void syncPagesPast512AndDetectsDeletesAndInvalidStates() throws Exception {
        String smtp = freshMailbox();
        for (int i = 0; i < 600; i++) {
            emulator.exchange().store().deliver(smtp, EwsTestSupport.mime("a@example.com", smtp, "Bulk " + i, "x"));
        }
        EwsTestSupport.Soap tooMany = ews.raw(
                "Bearer " + appToken,
                EwsTestSupport.envelope(impersonate(smtp), sync("inbox", null, 513)),
                Map.of("X-AnchorMailbox", smtp));
        assertThat(tooMany.status()).isEqualTo(500);
        assertThat(tooMany.first("ResponseCode")).isEqualTo("ErrorSchemaValidation");
        EwsTestSupport.Soap p1 = asApp(smtp, sync("inbox", null, 512));
        assertThat(p1.all("Create")).hasSize(512);
        assertThat(p1.first("IncludesLastItemInRange")).isEqualTo("false");
        EwsTestSupport.Soap p2 = asApp(smtp, sync("inbox", p1.first("SyncState"), 512));
        assertThat(p2.all("Create")).hasSize(88);
        assertThat(p2.first("IncludesLastItemInRange")).isEqualTo("true");
        String id = p2.attr("ItemId", "Id");
        asApp(
                smtp,
                "<m:DeleteItem DeleteType=\"HardDelete\"><m:ItemIds><t:ItemId Id=\"" + id
                        + "\"/></m:ItemIds></m:DeleteItem>");
        EwsTestSupport.Soap p3 = asApp(smtp, sync("inbox", p2.first("SyncState"), 512));
        assertThat(p3.all("Delete")).hasSize(1);
        assertThat(p3.attr("ItemId", "Id")).isEqualTo(id);
        EwsTestSupport.Soap bad = asApp(
                smtp,
                sync(
                        "inbox",
                        "H4sIAAAAAAAEAO29B2AcSZYlJi9tynt/SvVK1+B0oQiAYBMk2JBAEOzBiM3mkuwdaUcjKasqgcplVmVdZhZAzO2dvPfee+",
                        10));
        assertThat(bad.responseCode()).isEqualTo("ErrorInvalidSyncStateData");
        assertThat(bad.first("MessageText")).isEqualTo("Synchronization state data is corrupt or otherwise invalid.");
        ews.control("POST", "/faults/invalidate-sync-states", null);
        assertThat(asApp(smtp, sync("inbox", p3.first("SyncState"), 10)).responseCode())
                .isEqualTo("ErrorInvalidSyncStateData");
        EwsTestSupport.Soap paged =
                asApp(smtp, findItemIds("inbox").replace("MaxEntriesReturned=\"100\"", "MaxEntriesReturned=\"5000\""));
        assertThat(paged.all("Message")).hasSize(599);
        assertThat(paged.attr("RootFolder", "IncludesLastItemInRange")).isEqualTo("true");
    }

    @Test
    void sendDeliversToRecipientsAndAttachmentsCanBeFetched() throws Exception {
        String from = freshMailbox();
        String to = freshMailbox();
        String mime = Base64.getEncoder().encodeToString(EwsTestSupport.mimeWithAttachment(from, to, "Invoice"));
        EwsTestSupport.Soap sent = asApp(
                from,
                "<m:CreateItem MessageDisposition=\"SendAndSaveCopy\"><m:SavedItemFolderId><t:DistinguishedFolderId Id=\"sentitems\"/></m:SavedItemFolderId>"
                        + "<m:Items><t:Message><t:MimeContent CharacterSet=\"UTF-8\">" + mime
                        + "</t:MimeContent></t:Message></m:Items></m:CreateItem>");
        assertThat(sent.responseCode()).isEqualTo("NoError");
        assertThat(sent.all("ItemId")).isEmpty();
        assertThat(emulator.exchange().store().count(from, "sentitems")).isEqualTo(1);
        assertThat(emulator.exchange().store().subjects(to, "inbox")).containsExactly("Invoice");
        String id = asApp(to, findItemIds("inbox")).attr("ItemId", "Id");
        EwsTestSupport.Soap got = asApp(
                to,
                "<m:GetItem><m:ItemShape><t:BaseShape>AllProperties</t:BaseShape></m:ItemShape><m:ItemIds><t:ItemId Id=\""
                        + id + "\"/></m:ItemIds></m:GetItem>");
        assertThat(got.first("HasAttachments")).isEqualTo("true");
        String attId = got.attr("AttachmentId", "Id");
        EwsTestSupport.Soap att = asApp(
                to,
                "<m:GetAttachment><m:AttachmentIds><t:AttachmentId Id=\"" + attId
                        + "\"/></m:AttachmentIds></m:GetAttachment>");
        assertThat(new String(Base64.getDecoder().decode(att.first("Content")), StandardCharsets.US_ASCII))
                .isEqualTo("%PDF-1.4 fake");
        EwsTestSupport.Soap saveOnly = asApp(
                from,
                "<m:CreateItem MessageDisposition=\"SaveOnly\"><m:Items><t:Message><t:Subject>Draft</t:Subject>"
                        + "<t:Body BodyType=\"Text\">hi</t:Body><t:ToRecipients><t:Mailbox><t:EmailAddress>" + to
                        + "</t:EmailAddress></t:Mailbox></t:ToRecipients></t:Message></m:Items></m:CreateItem>");
        assertThat(saveOnly.attr("ItemId", "Id")).isNotEmpty();
        assertThat(emulator.exchange().store().subjects(from, "drafts")).containsExactly("Draft");
    }

    @Test
    void foldersCreateFindSyncHierarchyAndResolveNames() throws Exception {
        String smtp = freshMailbox();
        EwsTestSupport.Soap created = asApp(
                smtp,
                "<m:CreateFolder><m:ParentFolderId><t:DistinguishedFolderId Id=\"inbox\"/></m:ParentFolderId>"
                        + "<m:Folders><t:Folder><t:DisplayName>Invoices</t:DisplayName></t:Folder></m:Folders></m:CreateFolder>");
        assertThat(created.responseCode()).isEqualTo("NoError");
        EwsTestSupport.Soap dup = asApp(
                smtp,
                "<m:CreateFolder><m:ParentFolderId><t:DistinguishedFolderId Id=\"inbox\"/></m:ParentFolderId>"
                        + "<m:Folders><t:Folder><t:DisplayName>Invoices</t:DisplayName></t:Folder></m:Folders></m:CreateFolder>");
        assertThat(dup.responseCode()).isEqualTo("ErrorFolderExists");
        EwsTestSupport.Soap found = asApp(
                smtp,
                "<m:FindFolder Traversal=\"Deep\"><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape>"
                        + "<m:ParentFolderIds><t:DistinguishedFolderId Id=\"msgfolderroot\"/></m:ParentFolderIds></m:FindFolder>");
        assertThat(found.all("DisplayName"))
                .extracting(e -> e.getTextContent())
                .contains("Inbox", "Invoices", "Sent Items");
        EwsTestSupport.Soap h = asApp(
                smtp,
                "<m:SyncFolderHierarchy><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape></m:SyncFolderHierarchy>");
        assertThat(h.all("Create").size()).isGreaterThan(10);
        String st = h.first("SyncState");
        asApp(
                smtp,
                "<m:CreateFolder><m:ParentFolderId><t:DistinguishedFolderId Id=\"msgfolderroot\"/></m:ParentFolderId>"
                        + "<m:Folders><t:Folder><t:DisplayName>Projects</t:DisplayName></t:Folder></m:Folders></m:CreateFolder>");
        EwsTestSupport.Soap h2 = asApp(
                smtp,
                "<m:SyncFolderHierarchy><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape><m:SyncState>"
                        + st + "</m:SyncState></m:SyncFolderHierarchy>");
        assertThat(h2.all("Create")).hasSize(1);
        EwsTestSupport.Soap names = asApp(
                ADELE,
                "<m:ResolveNames ReturnFullContactData=\"false\"><m:UnresolvedEntry>adele</m:UnresolvedEntry></m:ResolveNames>");
        assertThat(names.first("EmailAddress")).isEqualTo(ADELE);
        EwsTestSupport.Soap none = asApp(
                ADELE,
                "<m:ResolveNames ReturnFullContactData=\"false\"><m:UnresolvedEntry>zzzz-nobody</m:UnresolvedEntry></m:ResolveNames>");
        assertThat(none.responseCode()).isEqualTo("ErrorNameResolutionNoResults");
    }
}
