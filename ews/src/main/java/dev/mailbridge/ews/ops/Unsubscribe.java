package dev.mailbridge.ews.ops;

import dev.mailbridge.ews.EwsOperation;
import dev.mailbridge.ews.ResponseContext;
import dev.mailbridge.ews.xml.XmlIn;
import dev.mailbridge.ews.xml.XmlOut;

/** Unsubscribe a pull or streaming subscription. */
public record Unsubscribe(String subscriptionId) implements EwsOperation<Void> {
    @Override
    public String name() {
        return "Unsubscribe";
    }

    @Override
    public boolean needsAffinity() {
        return true;
    }

    @Override
    public void writeRequest(XmlOut out) {
        out.m("Unsubscribe").mText("SubscriptionId", subscriptionId).end();
    }

    @Override
    public Void readResponse(XmlIn in, ResponseContext ctx) {
        Wire.messages(in, ctx, i -> new Wire.MessageBody<Void>() {
                    @Override
                    public void child(XmlIn x) {
                        x.skip();
                    }

                    @Override
                    public Void result() {
                        return null;
                    }
                })
                .single();
        return null;
    }
}
