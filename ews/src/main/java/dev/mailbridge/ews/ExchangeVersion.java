package dev.mailbridge.ews;

/** {@code RequestServerVersion}: the EWS schema version requests are written for. */
public enum ExchangeVersion {
    EXCHANGE2007_SP1("Exchange2007_SP1"),
    EXCHANGE2010("Exchange2010"),
    EXCHANGE2010_SP1("Exchange2010_SP1"),
    EXCHANGE2010_SP2("Exchange2010_SP2"),
    EXCHANGE2013("Exchange2013"),
    EXCHANGE2013_SP1("Exchange2013_SP1"),
    /** What current clients send to Exchange 2016, 2019, SE and Exchange Online. */
    EXCHANGE2016("Exchange2016");

    private final String wireName;

    ExchangeVersion(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
