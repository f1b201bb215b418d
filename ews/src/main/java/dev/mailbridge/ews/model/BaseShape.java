package dev.mailbridge.ews.model;

/** How many properties Exchange returns. Prefer ID_ONLY for sync, then fetch with GetItem in batches of ~10. */
public enum BaseShape {
    ID_ONLY("IdOnly"),
    DEFAULT("Default"),
    ALL_PROPERTIES("AllProperties");

    private final String wireName;

    BaseShape(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
