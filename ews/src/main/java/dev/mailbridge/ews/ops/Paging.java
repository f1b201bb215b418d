package dev.mailbridge.ews.ops;

import static dev.mailbridge.ews.xml.Ns.M;

import dev.mailbridge.ews.xml.XmlIn;
import java.util.List;
import java.util.function.Function;

/** Indexed paging (FindItem, FindFolder): the RootFolder's paging attributes and the page's entries. */
final class Paging {
    private Paging() {}

    /** Builds a typed page from its entries and the RootFolder's paging attributes. */
    interface PageOf<T, P> {
        P make(List<T> entries, int nextOffset, int totalItemsInView, boolean includesLastItemInRange);
    }

    /** A response message body that reads {@code RootFolder}: its attributes and the list in {@code listElement}. */
    static <T, P> Wire.MessageBody<P> rootFolder(
            int offset, String listElement, Function<XmlIn, List<T>> readList, PageOf<T, P> pages) {
        return new Wire.MessageBody<>() {
            P page = pages.make(List.of(), offset, 0, true);

            @Override
            public void child(XmlIn x) {
                if (!x.is(M, "RootFolder")) {
                    x.skip();
                    return;
                }
                int next = intAttr(x, "IndexedPagingOffset", offset);
                int total = intAttr(x, "TotalItemsInView", -1);
                boolean last = !"false".equals(x.attr("IncludesLastItemInRange"));
                List<T> entries = List.of();
                int d = x.depth();
                while (x.nextChild(d)) {
                    if (x.localName().equals(listElement)) {
                        entries = readList.apply(x);
                    } else {
                        x.skip();
                    }
                }
                page = pages.make(entries, next, total, last);
            }

            @Override
            public P result() {
                return page;
            }
        };
    }

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
