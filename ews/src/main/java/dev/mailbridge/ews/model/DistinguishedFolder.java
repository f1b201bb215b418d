package dev.mailbridge.ews.model;

/** Well-known folders ({@code t:DistinguishedFolderId Id="..."}). */
public enum DistinguishedFolder {
    ROOT("root"),
    MSGFOLDERROOT("msgfolderroot"),
    INBOX("inbox"),
    SENTITEMS("sentitems"),
    DRAFTS("drafts"),
    DELETEDITEMS("deleteditems"),
    OUTBOX("outbox"),
    JUNKEMAIL("junkemail"),
    ARCHIVEMSGFOLDERROOT("archivemsgfolderroot"),
    ARCHIVEINBOX("archiveinbox"),
    CALENDAR("calendar"),
    CONTACTS("contacts"),
    TASKS("tasks"),
    NOTES("notes"),
    RECOVERABLEITEMSDELETIONS("recoverableitemsdeletions");

    private final String wireName;

    DistinguishedFolder(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public FolderRef.Distinguished ref() {
        return new FolderRef.Distinguished(this, null);
    }

    public FolderRef.Distinguished of(String mailbox) {
        return new FolderRef.Distinguished(this, mailbox);
    }
}
