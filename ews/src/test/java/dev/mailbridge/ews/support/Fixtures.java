package dev.mailbridge.ews.support;

/** Response fixtures in Exchange's own shapes (namespaces normalised to http://, per the reference errata). */
public final class Fixtures {
    public static final String NS = " xmlns:m=\"http://schemas.microsoft.com/exchange/services/2006/messages\""
            + " xmlns:t=\"http://schemas.microsoft.com/exchange/services/2006/types\"";

    private Fixtures() {}

    /** {@code <m:OpResponse><m:ResponseMessages>messages</m:ResponseMessages></m:OpResponse>}. */
    public static String response(String op, String messages) {
        return "<m:" + op + "Response" + NS + "><m:ResponseMessages>" + messages + "</m:ResponseMessages></m:" + op
                + "Response>";
    }

    public static String success(String op, String content) {
        return "<m:" + op + "ResponseMessage ResponseClass=\"Success\"><m:ResponseCode>NoError</m:ResponseCode>"
                + content + "</m:" + op + "ResponseMessage>";
    }

    public static String error(String op, String code, String text, String extra) {
        return "<m:" + op + "ResponseMessage ResponseClass=\"Error\"><m:MessageText>" + text + "</m:MessageText>"
                + "<m:ResponseCode>" + code + "</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>" + extra
                + "</m:" + op + "ResponseMessage>";
    }

    public static String fault(String code, String text, String messageXml) {
        return "<s:Fault><faultcode xmlns:a=\"http://schemas.microsoft.com/exchange/services/2006/types\">a:" + code
                + "</faultcode><faultstring xml:lang=\"en-US\">" + text + "</faultstring><detail>"
                + "<e:ResponseCode xmlns:e=\"http://schemas.microsoft.com/exchange/services/2006/errors\">" + code
                + "</e:ResponseCode><e:Message xmlns:e=\"http://schemas.microsoft.com/exchange/services/2006/errors\">"
                + text + "</e:Message>" + messageXml + "</detail></s:Fault>";
    }

    public static String backOff(long ms) {
        return "<t:MessageXml xmlns:t=\"http://schemas.microsoft.com/exchange/services/2006/types\">"
                + "<t:Value Name=\"BackOffMilliseconds\">" + ms + "</t:Value></t:MessageXml>";
    }
}
