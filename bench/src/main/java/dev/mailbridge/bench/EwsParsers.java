package dev.mailbridge.bench;

import com.ctc.wstx.stax.WstxInputFactory;
import dev.mailbridge.ews.SoapResponses;
import dev.mailbridge.ews.model.FolderRef;
import dev.mailbridge.ews.model.Item;
import dev.mailbridge.ews.model.ItemId;
import dev.mailbridge.ews.ops.FindItem;
import dev.mailbridge.ews.ops.GetItem;
import dev.mailbridge.ews.ops.ItemShape;
import dev.mailbridge.ews.xml.EwsXml;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import microsoft.exchange.webservices.data.core.EwsServiceXmlReader;
import microsoft.exchange.webservices.data.core.ExchangeService;
import microsoft.exchange.webservices.data.core.PropertySet;
import microsoft.exchange.webservices.data.core.enumeration.misc.ExchangeVersion;
import microsoft.exchange.webservices.data.core.enumeration.property.BasePropertySet;
import microsoft.exchange.webservices.data.core.enumeration.property.WellKnownFolderName;
import microsoft.exchange.webservices.data.core.enumeration.service.error.ServiceErrorHandling;
import microsoft.exchange.webservices.data.core.request.FindItemRequest;
import microsoft.exchange.webservices.data.core.request.GetItemRequest;
import microsoft.exchange.webservices.data.core.request.ServiceRequestBase;
import microsoft.exchange.webservices.data.core.response.FindItemResponse;
import microsoft.exchange.webservices.data.core.response.GetItemResponse;
import microsoft.exchange.webservices.data.core.response.ServiceResponseCollection;
import microsoft.exchange.webservices.data.core.service.schema.ItemSchema;
import microsoft.exchange.webservices.data.property.complex.FolderId;
import microsoft.exchange.webservices.data.search.ItemView;

/**
 * The three parsers of the EWS parse benchmark, each reading one complete response document from
 * memory and returning a number derived from what it read (so nothing is optimised away).
 *
 * <ul>
 *   <li>Mailbridge: {@link SoapResponses#parse} with the operation's own response reader; MIME is
 *       base64-decoded into a discarding sink.
 *   <li>ews-java-api: the request object's own response reading, {@code
 *       ServiceRequestBase.readResponse(EwsServiceXmlReader)} (protected; called by reflection, the
 *       same method its HTTP path calls after opening the response stream), on a reader over the
 *       bytes. MIME ends in {@code MimeContent.getContent()}, a byte[], as in its normal use.
 *   <li>Bare StAX: Woodstox's {@code XMLStreamReader}, {@code next()} through every event, every
 *       attribute value and every text segment touched (chars summed, no String built), and the
 *       text of {@code MimeContent} base64-decoded into nothing (a minimal incremental decoder).
 *       Woodstox without DTD support, non-coalescing, no location tracking (the settings Mailbridge's
 *       {@code EwsXml} uses, minus its limits). The floor for any StAX parser.
 * </ul>
 */
final class EwsParsers {
    private EwsParsers() {}

    // ----- Mailbridge -----

    static final class Mailbridge {
        final EwsXml xml = EwsXml.defaults();
        final FindItem findItem = FindItem.of(FolderRef.inbox(), 1000);
        final GetItem getItem =
                new GetItem(List.of(ItemId.of("x")), ItemShape.mime(), position -> OutputStream.nullOutputStream());

        long findItem(byte[] response) {
            FindItem.Page page = SoapResponses.parse(xml, findItem, new ByteArrayInputStream(response));
            return page.items().size()
                    + page.items().get(page.items().size() - 1).size();
        }

        long getItemMime(byte[] response) {
            List<Item> items = SoapResponses.parse(xml, getItem, new ByteArrayInputStream(response))
                    .values();
            long bytes = 0;
            for (Item item : items) {
                bytes += item.mimeBytes();
            }
            return bytes;
        }
    }

    // ----- ews-java-api -----

    static final class EwsJavaApi {
        private static final Method READ_RESPONSE;

        static {
            try {
                READ_RESPONSE = ServiceRequestBase.class.getDeclaredMethod("readResponse", EwsServiceXmlReader.class);
                READ_RESPONSE.setAccessible(true);
            } catch (NoSuchMethodException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final ExchangeService service = new ExchangeService(ExchangeVersion.Exchange2010_SP2);
        final FindItemRequest<microsoft.exchange.webservices.data.core.service.item.Item> findItem;
        final GetItemRequest getItem;

        EwsJavaApi() {
            try {
                // What service.findItems(WellKnownFolderName.Inbox, new ItemView(1000)) builds.
                findItem = new FindItemRequest<>(service, ServiceErrorHandling.ThrowOnError);
                ItemView view = new ItemView(1000);
                view.setPropertySet(new PropertySet(BasePropertySet.FirstClassProperties));
                findItem.setView(view);
                findItem.getParentFolderIds().add(new FolderId(WellKnownFolderName.Inbox));
                // What service.bindToItems([id], IdOnly + MimeContent) builds, for one item.
                getItem = new GetItemRequest(service, ServiceErrorHandling.ReturnErrors);
                getItem.setPropertySet(new PropertySet(BasePropertySet.IdOnly, ItemSchema.MimeContent));
                getItem.getItemIds()
                        .addRange(List.of(new microsoft.exchange.webservices.data.property.complex.ItemId("x")));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        static Object readResponse(ServiceRequestBase<?> request, EwsServiceXmlReader reader) throws Exception {
            try {
                return READ_RESPONSE.invoke(request, reader);
            } catch (InvocationTargetException e) {
                throw e.getCause() instanceof Exception ex ? ex : e;
            }
        }

        long findItem(byte[] response) throws Exception {
            @SuppressWarnings("unchecked")
            ServiceResponseCollection<FindItemResponse<microsoft.exchange.webservices.data.core.service.item.Item>> r =
                    (ServiceResponseCollection<
                                    FindItemResponse<microsoft.exchange.webservices.data.core.service.item.Item>>)
                            readResponse(
                                    findItem, new EwsServiceXmlReader(new ByteArrayInputStream(response), service));
            var items = r.getResponseAtIndex(0).getResults().getItems();
            return items.size() + items.get(items.size() - 1).getSize();
        }

        long getItemMime(byte[] response) throws Exception {
            @SuppressWarnings("unchecked")
            ServiceResponseCollection<GetItemResponse> r = (ServiceResponseCollection<GetItemResponse>)
                    readResponse(getItem, new EwsServiceXmlReader(new ByteArrayInputStream(response), service));
            long bytes = 0;
            for (GetItemResponse response1 : r) {
                bytes += response1.getItem().getMimeContent().getContent().length;
            }
            return bytes;
        }
    }

    // ----- bare StAX -----

    static final class Stax {
        final XMLInputFactory factory;

        Stax() {
            factory = new WstxInputFactory();
            factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
            factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
            factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
            factory.setProperty(XMLInputFactory.IS_COALESCING, false);
            // The cheapest settings Woodstox offers, as Mailbridge's EwsXml also uses them.
            factory.setProperty(org.codehaus.stax2.XMLInputFactory2.P_REPORT_PROLOG_WHITESPACE, false);
            factory.setProperty(org.codehaus.stax2.XMLInputFactory2.P_PRESERVE_LOCATION, false);
        }

        long pass(byte[] response) throws XMLStreamException {
            XMLStreamReader r = factory.createXMLStreamReader(new ByteArrayInputStream(response));
            long sum = 0;
            boolean mime = false;
            Base64Counter decoder = new Base64Counter();
            try {
                while (r.hasNext()) {
                    switch (r.next()) {
                        case XMLStreamConstants.START_ELEMENT -> {
                            for (int i = 0, n = r.getAttributeCount(); i < n; i++) {
                                sum += r.getAttributeValue(i).length();
                            }
                            mime = r.getLocalName().equals("MimeContent");
                        }
                        case XMLStreamConstants.CHARACTERS -> {
                            char[] text = r.getTextCharacters();
                            int start = r.getTextStart();
                            int length = r.getTextLength();
                            if (mime) {
                                decoder.decode(text, start, length);
                            } else {
                                sum += length;
                            }
                        }
                        case XMLStreamConstants.END_ELEMENT -> mime = false;
                        default -> {}
                    }
                }
            } finally {
                r.close();
            }
            return sum + decoder.bytes;
        }
    }

    /** Incremental base64 decoder that only counts (and XORs into a checksum) the decoded bytes. */
    static final class Base64Counter {
        private static final int[] VALUES = new int[128];

        static {
            java.util.Arrays.fill(VALUES, -1);
            String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            for (int i = 0; i < alphabet.length(); i++) {
                VALUES[alphabet.charAt(i)] = i;
            }
        }

        long bytes;
        int checksum;
        private int bits;
        private int count;

        void decode(char[] text, int start, int length) {
            for (int i = start, end = start + length; i < end; i++) {
                char c = text[i];
                int v = c < 128 ? VALUES[c] : -1;
                if (v < 0) {
                    continue; // whitespace and '=' padding
                }
                bits = (bits << 6) | v;
                if (++count == 4) {
                    checksum ^= bits;
                    bytes += 3;
                    bits = 0;
                    count = 0;
                }
            }
        }
    }
}
