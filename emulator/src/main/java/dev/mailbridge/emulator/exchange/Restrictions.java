package dev.mailbridge.emulator.exchange;

import dev.mailbridge.emulator.exchange.MailStore.Item;
import dev.mailbridge.emulator.exchange.Xml.El;
import java.util.Locale;
import java.util.function.Function;

/** The subset of EWS search restrictions the emulator evaluates (FindItem, FindFolder). */
final class Restrictions {
    private Restrictions() {}

    static boolean matches(El restriction, Function<String, String> field) {
        if (restriction == null) {
            return true;
        }
        El e = restriction.name.equals("Restriction") ? restriction.first() : restriction;
        if (e == null) {
            return true;
        }
        switch (e.name) {
            case "And":
                return e.children.stream().allMatch(c -> matches(c, field));
            case "Or":
                return e.children.stream().anyMatch(c -> matches(c, field));
            case "Not":
                return !matches(e.first(), field);
            case "Exists": {
                return field.apply(fieldName(e)) != null;
            }
            case "IsEqualTo",
                    "IsNotEqualTo",
                    "IsGreaterThan",
                    "IsGreaterThanOrEqualTo",
                    "IsLessThan",
                    "IsLessThanOrEqualTo",
                    "Contains": {
                String actual = field.apply(fieldName(e));
                El c = e.child("FieldURIOrConstant");
                El constant = c != null ? c.child("Constant") : e.child("Constant");
                String want = constant == null ? null : constant.attr("Value");
                if (actual == null || want == null) {
                    return e.name.equals("IsNotEqualTo");
                }
                if (e.name.equals("Contains")) {
                    boolean ic = String.valueOf(e.attr("ContainmentComparison")).startsWith("IgnoreCase");
                    String mode = String.valueOf(e.attr("ContainmentMode"));
                    String a = ic ? actual.toLowerCase(Locale.ROOT) : actual;
                    String w = ic ? want.toLowerCase(Locale.ROOT) : want;
                    return switch (mode) {
                        case "FullString" -> a.equals(w);
                        case "Prefixed" -> a.startsWith(w);
                        default -> a.contains(w);
                    };
                }
                int cmp = actual.compareToIgnoreCase(want);
                return switch (e.name) {
                    case "IsEqualTo" -> cmp == 0;
                    case "IsNotEqualTo" -> cmp != 0;
                    case "IsGreaterThan" -> cmp > 0;
                    case "IsGreaterThanOrEqualTo" -> cmp >= 0;
                    case "IsLessThan" -> cmp < 0;
                    default -> cmp <= 0;
                };
            }
            default:
                throw new EwsError(
                        "ErrorUnsupportedQueryFilter",
                        "The restriction " + e.name + " is not supported by the emulator.");
        }
    }

    static String fieldName(El e) {
        El f = e.child("FieldURI");
        String uri = f == null ? null : f.attr("FieldURI");
        return uri == null ? "" : uri.substring(uri.indexOf(':') + 1);
    }

    static String itemField(Item i, String name) {
        return switch (name) {
            case "Subject" -> i.subject;
            case "IsRead" -> String.valueOf(i.read);
            case "ItemClass" -> i.itemClass;
            case "DateTimeReceived" -> ItemXml.date(i.received);
            case "DateTimeSent" -> i.sent == null ? null : ItemXml.date(i.sent);
            case "HasAttachments" -> String.valueOf(!i.attachments.isEmpty());
            case "Importance" -> i.importance;
            case "InternetMessageId" -> i.messageId;
            case "From" -> i.from.isEmpty() ? null : i.from.get(0).getAddress();
            case "Categories" -> i.categories.isEmpty() ? null : String.join(",", i.categories);
            default ->
                throw new EwsError(
                        "ErrorUnsupportedPathForQuery",
                        "The property " + name + " cannot be used in a restriction by the emulator.");
        };
    }
}
