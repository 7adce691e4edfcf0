package io.drover.api.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Endpoints and EndpointSlices. Both show at most three addresses and then "+ N more...", so a
 * large service does not make one row as wide as the screen.
 */
final class EndpointPrinters {

    private static final int MAX_SHOWN = 3;

    private EndpointPrinters() {}

    /** Name, Endpoints ("10.0.0.1:80,10.0.0.2:80"), Age. */
    static final class Endpoints implements Printer {

        private static final List<Column> COLUMNS = List.of(
                Column.objectName(),
                Column.string("Endpoints", "The set of all endpoints is the union of all subsets."),
                Column.age());

        @Override
        public List<Column> columns() {
            return COLUMNS;
        }

        @Override
        public void cells(JsonNode endpoints, Instant now, ArrayNode cells) {
            cells.add(Fields.name(endpoints));
            cells.add(formatEndpoints(endpoints.path("subsets")));
            cells.add(HumanDuration.since(Fields.creationTimestamp(endpoints), now));
        }

        /** formatEndpoints with all ports: every address paired with every port of its subset. */
        static String formatEndpoints(JsonNode subsets) {
            if (subsets.isEmpty()) {
                return Selectors.NONE;
            }
            List<String> list = new ArrayList<>();
            boolean more = false;
            int count = 0;
            for (JsonNode subset : subsets) {
                JsonNode addresses = subset.path("addresses");
                JsonNode ports = subset.path("ports");
                if (ports.isEmpty()) {
                    // headless services may have no ports
                    count += addresses.size();
                    for (JsonNode address : addresses) {
                        if (list.size() == MAX_SHOWN) {
                            more = true;
                            break;
                        }
                        list.add(Fields.text(address, "ip"));
                    }
                    continue;
                }
                for (JsonNode port : ports) {
                    count += addresses.size();
                    for (JsonNode address : addresses) {
                        if (list.size() == MAX_SHOWN) {
                            more = true;
                            break;
                        }
                        list.add(joinHostPort(Fields.text(address, "ip"), Fields.integer(port, "port")));
                    }
                }
            }
            String joined = String.join(",", list);
            return more ? joined + " + " + (count - MAX_SHOWN) + " more..." : joined;
        }

        // net.JoinHostPort brackets IPv6 addresses.
        private static String joinHostPort(String host, long port) {
            return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
        }
    }

    /** Name, AddressType, Ports, Endpoints, Age; "&lt;unset&gt;" for empty lists. */
    static final class EndpointSlice implements Printer {

        private static final List<Column> COLUMNS = List.of(
                Column.objectName(),
                Column.string("AddressType", "addressType specifies the type of address carried by this"
                        + " EndpointSlice."),
                Column.string("Ports", "ports specifies the list of network ports exposed by each endpoint in"
                        + " this slice."),
                Column.string("Endpoints", "endpoints is a list of unique endpoints in this slice."),
                Column.age());

        @Override
        public List<Column> columns() {
            return COLUMNS;
        }

        @Override
        public void cells(JsonNode slice, Instant now, ArrayNode cells) {
            cells.add(Fields.name(slice));
            cells.add(Fields.text(slice, "addressType"));
            cells.add(formatPorts(slice.path("ports")));
            cells.add(formatEndpoints(slice.path("endpoints")));
            cells.add(HumanDuration.since(Fields.creationTimestamp(slice), now));
        }

        /** The port number, else its name, else "*" (a port of the whole address). */
        static String formatPorts(JsonNode ports) {
            List<String> list = new ArrayList<>();
            int count = 0;
            for (JsonNode port : ports) {
                if (list.size() < MAX_SHOWN) {
                    if (Fields.at(port, "port").isNumber()) {
                        list.add(Long.toString(Fields.integer(port, "port")));
                    } else if (Fields.present(port, "name")) {
                        list.add(Fields.text(port, "name"));
                    } else {
                        list.add("*");
                    }
                }
                count++;
            }
            return listWithMore(list, count);
        }

        static String formatEndpoints(JsonNode endpoints) {
            List<String> list = new ArrayList<>();
            int count = 0;
            for (JsonNode endpoint : endpoints) {
                for (JsonNode address : endpoint.path("addresses")) {
                    if (list.size() < MAX_SHOWN) {
                        list.add(address.asText());
                    }
                    count++;
                }
            }
            return listWithMore(list, count);
        }

        private static String listWithMore(List<String> list, int count) {
            String joined = String.join(",", list);
            if (count > MAX_SHOWN) {
                return joined + " + " + (count - MAX_SHOWN) + " more...";
            }
            return joined.isEmpty() ? "<unset>" : joined;
        }
    }
}
