package dev.mailbridge.core.model;

/** What Mailbridge uses a mapped folder for. */
public enum FolderRole {
    INCOMING("Incoming", "read new mail from"),
    PROCESSED("Processed", "move handled mail to"),
    FAILED("Failed", "move mail that could not be handled to"),
    SENT("Sent", "keep copies of sent mail in");

    private final String label;
    private final String purpose;

    FolderRole(String label, String purpose) {
        this.label = label;
        this.purpose = purpose;
    }

    public String label() {
        return label;
    }

    public String purpose() {
        return purpose;
    }
}
