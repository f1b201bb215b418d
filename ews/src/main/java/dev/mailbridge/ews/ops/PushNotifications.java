package dev.mailbridge.ews.ops;

import dev.mailbridge.ews.EwsOperation;
import dev.mailbridge.ews.ResponseContext;
import dev.mailbridge.ews.SoapResponses;
import dev.mailbridge.ews.model.Notification;
import dev.mailbridge.ews.xml.EwsXml;
import dev.mailbridge.ews.xml.XmlIn;
import dev.mailbridge.ews.xml.XmlOut;
import java.io.InputStream;

/**
 * The receiving end of a push subscription ({@link Subscribe#push}): Exchange POSTs a SOAP {@code
 * SendNotification} to your URL for each batch of events (and a status event every StatusFrequency);
 * {@link #read} parses it with the same hardened reader as every response, and {@link #answer} is the
 * body to send back: {@code OK} keeps the subscription, {@code Unsubscribe} ends it.
 */
public final class PushNotifications {
    private static final EwsOperation<Notification> SEND_NOTIFICATION = new EwsOperation<>() {
        @Override
        public String name() {
            return "SendNotification";
        }

        @Override
        public String responseElement() {
            return "SendNotification";
        }

        @Override
        public void writeRequest(XmlOut out) {
            throw new UnsupportedOperationException("Exchange sends SendNotification; a client only reads it");
        }

        @Override
        public Notification readResponse(XmlIn in, ResponseContext ctx) {
            return Events.notification(in, ctx);
        }
    };

    private PushNotifications() {}

    /** Parses one SendNotification request body Exchange posted. */
    public static Notification read(EwsXml xml, InputStream body) {
        return SoapResponses.parse(xml, SEND_NOTIFICATION, body);
    }

    /** The SOAP body to answer Exchange's POST with (HTTP 200, text/xml). */
    public static String answer(boolean keepSubscription) {
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
                + "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
                + "<SendNotificationResult xmlns=\"http://schemas.microsoft.com/exchange/services/2006/messages\">"
                + "<SubscriptionStatus>" + (keepSubscription ? "OK" : "Unsubscribe") + "</SubscriptionStatus>"
                + "</SendNotificationResult></soap:Body></soap:Envelope>";
    }
}
