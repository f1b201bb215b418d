package dev.mailbridge.ews.ops;

import dev.mailbridge.ews.xml.XmlIn;

final class Paging {
    private Paging() {}

    static int intAttr(XmlIn in, String name, int fallback) {
        String v = in.attr(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
