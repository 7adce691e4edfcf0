package io.drover.api.discovery;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.MediaRange;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The discovery documents of the API server, built from the resource registry: the legacy
 * documents (APIVersions at /api, APIGroupList at /apis, APIResourceList at /api/v1 and
 * /apis/&lt;group&gt;/&lt;version&gt;) and the aggregated apidiscovery.k8s.io/v2 documents that
 * kubectl asks /api and /apis for first.
 *
 * <p>Every method builds a new document, so callers may change what they get. The order of groups
 * and resources is the registry's order; versions come preferred first; subresources are sorted by
 * name, as kube-apiserver sorts them.
 */
public final class DiscoveryDocuments {

    /** The Content-Type of an aggregated discovery response; kubectl decides on it. */
    public static final String AGGREGATED_CONTENT_TYPE = aggregatedContentType("v2");

    private static final List<String> AGGREGATED_VERSIONS = List.of("v2", "v2beta1");
    /** What kube-apiserver can answer discovery as; drover writes JSON for each. */
    private static final List<String[]> SERVED_MEDIA_TYPES = List.of(new String[] {"application", "json"},
            new String[] {"application", "yaml"}, new String[] {"application", "vnd.kubernetes.protobuf"});

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final ResourceRegistry registry;

    public DiscoveryDocuments(ResourceRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        // Fail at start-up, not on the first discovery request, if a subresource is unknown.
        registry.all().forEach(DiscoveryDocuments::subresources);
    }

    /** The APIVersions document for GET /api. */
    public ObjectNode coreVersions(String serverAddress) {
        Objects.requireNonNull(serverAddress, "serverAddress");
        ObjectNode doc = JSON.objectNode();
        doc.put("kind", "APIVersions");
        ArrayNode versions = doc.putArray("versions");
        registry.versions("").forEach(versions::add);
        ObjectNode cidr = doc.putArray("serverAddressByClientCIDRs").addObject();
        cidr.put("clientCIDR", "0.0.0.0/0");
        cidr.put("serverAddress", serverAddress);
        return doc;
    }

    /** The APIGroupList document for GET /apis: every group but the core group. */
    public ObjectNode groupList() {
        ObjectNode doc = JSON.objectNode();
        doc.put("kind", "APIGroupList");
        doc.put("apiVersion", "v1");
        ArrayNode groups = doc.putArray("groups");
        for (String group : nonCoreGroups()) {
            List<String> versions = registry.versions(group);
            ObjectNode g = groups.addObject();
            g.put("name", group);
            ArrayNode list = g.putArray("versions");
            versions.forEach(v -> list.add(groupVersionForDiscovery(group, v)));
            g.set("preferredVersion", groupVersionForDiscovery(group, versions.get(0)));
        }
        return doc;
    }

    /**
     * The APIResourceList document for GET /api/v1 (group "") or GET /apis/&lt;group&gt;/&lt;version&gt;,
     * empty when the registry serves nothing there.
     */
    public Optional<ObjectNode> resourceList(String group, String version) {
        List<ResourceType> types = registry.resources(group, version);
        if (types.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode doc = JSON.objectNode();
        doc.put("kind", "APIResourceList");
        doc.put("apiVersion", "v1");
        doc.put("groupVersion", types.get(0).apiVersion());
        ArrayNode resources = doc.putArray("resources");
        for (ResourceType type : types) {
            ObjectNode r = resources.addObject();
            r.put("name", type.plural());
            r.put("singularName", type.singular());
            r.put("namespaced", type.namespaced());
            r.put("kind", type.kind());
            stringArray(r, "verbs", type.verbs());
            putIfNotEmpty(r, "shortNames", type.shortNames());
            putIfNotEmpty(r, "categories", type.categories());
            for (Subresource sub : subresources(type)) {
                ObjectNode s = resources.addObject();
                s.put("name", sub.qualifiedName(type));
                s.put("singularName", "");
                s.put("namespaced", type.namespaced());
                // Like kube-apiserver: group and version only when they differ from the list's.
                if (sub.crossesGroupVersion(type)) {
                    s.put("group", sub.group());
                    s.put("version", sub.version());
                }
                s.put("kind", sub.kind());
                stringArray(s, "verbs", sub.verbs());
            }
        }
        return Optional.of(doc);
    }

    /**
     * The aggregated APIGroupDiscoveryList for GET /api ({@code core}: the core group only, named
     * "") or GET /apis (every other group).
     */
    public ObjectNode aggregated(boolean core, String discoveryVersion) {
        ObjectNode doc = JSON.objectNode();
        doc.put("kind", "APIGroupDiscoveryList");
        doc.put("apiVersion", "apidiscovery.k8s.io/" + discoveryVersion);
        doc.putObject("metadata");
        ArrayNode items = doc.putArray("items");
        List<String> groups = core
                ? registry.groups().stream().filter(String::isEmpty).toList()
                : nonCoreGroups();
        for (String group : groups) {
            ObjectNode item = items.addObject();
            item.putObject("metadata").put("name", group);
            ArrayNode versions = item.putArray("versions");
            for (String version : registry.versions(group)) {
                ObjectNode v = versions.addObject();
                v.put("version", version);
                ArrayNode resources = v.putArray("resources");
                registry.resources(group, version).forEach(t -> resources.add(resourceDiscovery(t)));
                v.put("freshness", "Current");
            }
        }
        return doc;
    }

    /**
     * The aggregated discovery version an Accept header asks for ("v2", or "v2beta1" which kube 1.32
     * still serves), or empty for the legacy documents. As kube-apiserver negotiates it, the most
     * preferred media range the server can answer decides: one with g=apidiscovery.k8s.io,
     * as=APIGroupDiscoveryList and a served v asks for aggregated discovery, one without parameters
     * for the legacy documents, and one asking for another conversion is passed over.
     */
    public static Optional<String> aggregatedVersion(String acceptHeader) {
        for (MediaRange range : MediaRange.parseAccept(acceptHeader)) {
            if (!SERVED_MEDIA_TYPES.stream().anyMatch(t -> range.covers(t[0], t[1]))) {
                continue;
            }
            String as = range.param("as");
            if (as == null) {
                return Optional.empty();
            }
            String version = range.param("v");
            if ("apidiscovery.k8s.io".equals(range.param("g")) && "APIGroupDiscoveryList".equals(as)
                    && AGGREGATED_VERSIONS.contains(version)) {
                return Optional.of(version);
            }
        }
        return Optional.empty();
    }

    /** The Content-Type of an aggregated discovery document of {@code version}. */
    public static String aggregatedContentType(String version) {
        return "application/json;g=apidiscovery.k8s.io;v=" + version + ";as=APIGroupDiscoveryList";
    }

    private ObjectNode resourceDiscovery(ResourceType type) {
        ObjectNode r = JSON.objectNode();
        r.put("resource", type.plural());
        r.set("responseKind", gvk(type.group(), type.version(), type.kind()));
        r.put("scope", type.namespaced() ? "Namespaced" : "Cluster");
        r.put("singularResource", type.singular());
        stringArray(r, "verbs", type.verbs());
        putIfNotEmpty(r, "shortNames", type.shortNames());
        putIfNotEmpty(r, "categories", type.categories());
        List<Subresource> subs = subresources(type);
        if (!subs.isEmpty()) {
            ArrayNode list = r.putArray("subresources");
            for (Subresource sub : subs) {
                ObjectNode s = list.addObject();
                s.put("subresource", sub.name());
                s.set("responseKind", gvk(sub.group(), sub.version(), sub.kind()));
                stringArray(s, "verbs", sub.verbs());
            }
        }
        return r;
    }

    private List<String> nonCoreGroups() {
        return registry.groups().stream().filter(g -> !g.isEmpty()).toList();
    }

    private static List<Subresource> subresources(ResourceType type) {
        return type.subresources().stream()
                .map(name -> Subresource.of(type, name))
                .sorted(Comparator.comparing(Subresource::name))
                .toList();
    }

    private static ObjectNode groupVersionForDiscovery(String group, String version) {
        ObjectNode gv = JSON.objectNode();
        gv.put("groupVersion", group + "/" + version);
        gv.put("version", version);
        return gv;
    }

    static ObjectNode gvk(String group, String version, String kind) {
        ObjectNode node = JSON.objectNode();
        node.put("group", group);
        node.put("version", version);
        node.put("kind", kind);
        return node;
    }

    private static void stringArray(ObjectNode node, String field, List<String> values) {
        ArrayNode array = node.putArray(field);
        values.forEach(array::add);
    }

    private static void putIfNotEmpty(ObjectNode node, String field, List<String> values) {
        if (!values.isEmpty()) {
            stringArray(node, field, values);
        }
    }

}
