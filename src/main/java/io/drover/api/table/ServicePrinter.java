package io.drover.api.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Services: Name, Type, Cluster-IP, External-IP, Port(s), Age | Selector. */
final class ServicePrinter implements Printer {

    private static final List<Column> COLUMNS = List.of(
            Column.objectName(),
            Column.string("Type", "type determines how the Service is exposed."),
            Column.string("Cluster-IP", "clusterIP is the IP address of the service."),
            Column.string("External-IP", "externalIPs is a list of IP addresses for which nodes in the cluster"
                    + " will also accept traffic for this service."),
            Column.string("Port(s)", "The list of ports that are exposed by this service."),
            Column.age(),
            Column.wide("Selector", "Route service traffic to pods with label keys and values matching this"
                    + " selector."));

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public void cells(JsonNode service, Instant now, ArrayNode cells) {
        JsonNode spec = service.path("spec");
        String ports = portString(spec.path("ports"));
        cells.add(Fields.name(service));
        cells.add(type(spec));
        cells.add(clusterIP(spec));
        cells.add(externalIP(service));
        cells.add(ports.isEmpty() ? Selectors.NONE : ports);
        cells.add(HumanDuration.since(Fields.creationTimestamp(service), now));
        cells.add(Selectors.formatLabels(spec.path("selector")));
    }

    // The real server defaults spec.type to ClusterIP before storing.
    private static String type(JsonNode spec) {
        String type = Fields.text(spec, "type");
        return type.isEmpty() ? "ClusterIP" : type;
    }

    // v1 clients may write only clusterIP; the server's conversion fills clusterIPs[0] from it.
    private static String clusterIP(JsonNode spec) {
        String ip = spec.path("clusterIPs").path(0).asText("");
        if (ip.isEmpty()) {
            ip = Fields.text(spec, "clusterIP");
        }
        return ip.isEmpty() ? Selectors.NONE : ip;
    }

    /**
     * getServiceExternalIP: spec.externalIPs for ClusterIP and NodePort services; for a LoadBalancer
     * the ingress addresses (sorted, de-duplicated) then the external IPs, or "&lt;pending&gt;" while
     * it has neither; the DNS name for ExternalName. The server prints the wide form, so the
     * load-balancer list is never clipped.
     */
    static String externalIP(JsonNode service) {
        JsonNode spec = service.path("spec");
        List<String> externalIPs = Fields.strings(spec.path("externalIPs"));
        switch (type(spec)) {
            case "ClusterIP", "NodePort" -> {
                return externalIPs.isEmpty() ? Selectors.NONE : String.join(",", externalIPs);
            }
            case "LoadBalancer" -> {
                Set<String> ingress = new TreeSet<>();
                for (JsonNode entry : Fields.at(service, "status", "loadBalancer", "ingress")) {
                    String ip = Fields.text(entry, "ip");
                    String hostname = Fields.text(entry, "hostname");
                    if (!ip.isEmpty()) {
                        ingress.add(ip);
                    } else if (!hostname.isEmpty()) {
                        ingress.add(hostname);
                    }
                }
                List<String> all = new ArrayList<>(ingress);
                all.addAll(externalIPs);
                return all.isEmpty() ? "<pending>" : String.join(",", all);
            }
            case "ExternalName" -> {
                return Fields.text(spec, "externalName");
            }
            default -> {
                return "<unknown>";
            }
        }
    }

    /** makePortString: "80/TCP", or "80:30080/TCP" when a node port is allocated. */
    static String portString(JsonNode ports) {
        List<String> pieces = new ArrayList<>();
        for (JsonNode port : ports) {
            // protocol defaults to TCP on the real server
            String protocol = Fields.text(port, "protocol").isEmpty() ? "TCP" : Fields.text(port, "protocol");
            long nodePort = Fields.integer(port, "nodePort");
            long number = Fields.integer(port, "port");
            pieces.add(nodePort > 0 ? number + ":" + nodePort + "/" + protocol : number + "/" + protocol);
        }
        return String.join(",", pieces);
    }
}
