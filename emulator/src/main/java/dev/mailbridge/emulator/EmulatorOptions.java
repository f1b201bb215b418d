package dev.mailbridge.emulator;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * How to start an emulator. Every field is optional: with none set, the emulator starts on free
 * ports with the default configuration and a temporary state folder, which suits tests.
 *
 * @param configFile a YAML or JSON configuration file; null for the built-in default
 * @param configText configuration as text (YAML or JSON), used when {@code configFile} is null
 * @param httpsPort the global cloud's HTTPS port; 0 picks a free one; null takes the config's
 * @param httpPort a plain-HTTP port for the global cloud; 0 picks a free one; null means none
 * @param cloudPorts HTTPS ports for the other clouds; a missing cloud gets the next port after
 *     the global one (or a free port when that is 0)
 * @param host the host name clients use; it goes into URLs, issuers and the server certificate
 * @param extraHostNames more names the server certificate covers, for clients that reach the
 *     emulator under other names (a hosts file, or a routing proxy in tests: autodiscover.contoso.com)
 * @param bindAddress the address to listen on; loopback unless asked otherwise
 * @param stateDir where the CA, signing keys and generated certificates are kept; null for a
 *     temporary folder removed on close
 */
public record EmulatorOptions(
        Path configFile,
        String configText,
        Integer httpsPort,
        Integer httpPort,
        Map<Cloud, Integer> cloudPorts,
        String host,
        List<String> extraHostNames,
        String bindAddress,
        Path stateDir) {

    public EmulatorOptions {
        cloudPorts = cloudPorts == null ? Map.of() : Map.copyOf(cloudPorts);
        extraHostNames = extraHostNames == null ? List.of() : List.copyOf(extraHostNames);
    }

    public static EmulatorOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.configFile = configFile;
        b.configText = configText;
        b.httpsPort = httpsPort;
        b.httpPort = httpPort;
        b.cloudPorts.putAll(cloudPorts);
        b.host = host;
        b.extraHostNames.addAll(extraHostNames);
        b.bindAddress = bindAddress;
        b.stateDir = stateDir;
        return b;
    }

    public static final class Builder {
        private Path configFile;
        private String configText;
        private Integer httpsPort;
        private Integer httpPort;
        private final Map<Cloud, Integer> cloudPorts = new EnumMap<>(Cloud.class);
        private String host;
        private final List<String> extraHostNames = new ArrayList<>();
        private String bindAddress;
        private Path stateDir;

        public Builder configFile(Path file) {
            this.configFile = file;
            return this;
        }

        public Builder configText(String text) {
            this.configText = text;
            return this;
        }

        public Builder httpsPort(int port) {
            this.httpsPort = port;
            return this;
        }

        public Builder httpPort(Integer port) {
            this.httpPort = port;
            return this;
        }

        public Builder cloudPort(Cloud cloud, int port) {
            cloudPorts.put(cloud, port);
            return this;
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder extraHostNames(String... names) {
            extraHostNames.addAll(List.of(names));
            return this;
        }

        public Builder bindAddress(String address) {
            this.bindAddress = address;
            return this;
        }

        public Builder stateDir(Path dir) {
            this.stateDir = dir;
            return this;
        }

        public EmulatorOptions build() {
            return new EmulatorOptions(
                    configFile,
                    configText,
                    httpsPort,
                    httpPort,
                    cloudPorts,
                    host,
                    extraHostNames,
                    bindAddress,
                    stateDir);
        }
    }
}
