package dev.mailbridge.ews.ops;

import static dev.mailbridge.ews.xml.Ns.M;
import static dev.mailbridge.ews.xml.Ns.T;

import dev.mailbridge.ews.EwsOperation;
import dev.mailbridge.ews.Outcome;
import dev.mailbridge.ews.ResponseContext;
import dev.mailbridge.ews.model.EmailAddress;
import dev.mailbridge.ews.xml.XmlIn;
import dev.mailbridge.ews.xml.XmlOut;
import java.util.ArrayList;
import java.util.List;

/**
 * ResolveNames: candidates for a name or address fragment in the directory and contacts. Several
 * candidates come with the warning ErrorNameResolutionMultipleResults; none throws
 * ErrorNameResolutionNoResults.
 */
public record ResolveNames(String entry) implements EwsOperation<Outcome<List<EmailAddress>>> {
    public ResolveNames {
        if (entry == null || entry.isBlank()) {
            throw new IllegalArgumentException("entry must not be blank");
        }
    }

    @Override
    public String name() {
        return "ResolveNames";
    }

    @Override
    public void writeRequest(XmlOut out) {
        out.m("ResolveNames")
                .attr("ReturnFullContactData", "false")
                .attr("SearchScope", "ActiveDirectoryContacts")
                .mText("UnresolvedEntry", entry)
                .end();
    }

    @Override
    public Outcome<List<EmailAddress>> readResponse(XmlIn in, ResponseContext ctx) {
        return Wire.messages(in, ctx, i -> new Wire.MessageBody<List<EmailAddress>>() {
                    final List<EmailAddress> found = new ArrayList<>();

                    @Override
                    public void child(XmlIn x) {
                        if (x.is(M, "ResolutionSet")) {
                            int d = x.depth();
                            while (x.nextChild(d)) {
                                int d2 = x.depth();
                                while (x.nextChild(d2)) {
                                    if (x.is(T, "Mailbox")) {
                                        found.add(Wire.readMailbox(x));
                                    } else {
                                        x.skip();
                                    }
                                }
                            }
                        } else {
                            x.skip();
                        }
                    }

                    @Override
                    public List<EmailAddress> result() {
                        return List.copyOf(found);
                    }
                })
                .get(0);
    }
}
