package dev.mailbridge.ews.ops;

import dev.mailbridge.ews.model.BaseShape;
import dev.mailbridge.ews.xml.XmlOut;
import java.util.List;

/**
 * {@code ItemShape}: base shape, MIME content, body type and extra properties (FieldURIs such as
 * {@code item:Subject}, {@code message:IsRead}, {@code item:Categories}).
 */
public record ItemShape(
        BaseShape base, boolean includeMimeContent, String bodyType, List<String> additionalProperties) {
    public ItemShape {
        additionalProperties = List.copyOf(additionalProperties);
    }

    public static ItemShape idOnly() {
        return new ItemShape(BaseShape.ID_ONLY, false, null, List.of());
    }

    public static ItemShape defaults() {
        return new ItemShape(BaseShape.DEFAULT, false, null, List.of());
    }

    /** IdOnly plus the MIME content (export). */
    public static ItemShape mime() {
        return new ItemShape(BaseShape.ID_ONLY, true, null, List.of());
    }

    public ItemShape with(String... fieldUris) {
        List<String> all = new java.util.ArrayList<>(additionalProperties);
        all.addAll(List.of(fieldUris));
        return new ItemShape(base, includeMimeContent, bodyType, all);
    }

    public ItemShape withMimeContent() {
        return new ItemShape(base, true, bodyType, additionalProperties);
    }

    void write(XmlOut out) {
        out.m("ItemShape").tText("BaseShape", base.wireName());
        if (includeMimeContent) {
            out.tText("IncludeMimeContent", "true");
        }
        if (bodyType != null) {
            out.tText("BodyType", bodyType);
        }
        Wire.additional(out, additionalProperties);
        out.end();
    }
}
