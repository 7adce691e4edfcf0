package io.drover.api.http;

import io.drover.api.MediaRange;
import java.util.List;
import java.util.Set;

/**
 * What an answer is written as, read from the Accept header as kube-apiserver negotiates it: the
 * most preferred media range the server can answer decides. A range asking for a conversion the
 * server does not do (another {@code as=}, group or version) is passed over for the next one.
 *
 * <p>Protobuf is answered as JSON (clients that ask for it accept JSON too). An Accept header with
 * no range the server can answer gets plain JSON, where kube-apiserver answers 406: clients that
 * send one still get something they can read.
 *
 * @param yaml whether the answer is YAML (a watch is never YAML: kube streams watches only as JSON
 *     or protobuf)
 * @param as the meta.k8s.io kind the objects are converted to (Table, PartialObjectMetadata,
 *     PartialObjectMetadataList), or null for the objects themselves
 * @param metaVersion the meta.k8s.io version of that conversion ("v1" or "v1beta1"), or null
 */
record OutputForm(boolean yaml, String as, String metaVersion) {
    static final OutputForm JSON = new OutputForm(false, null, null);

    static final String TABLE = "Table";
    static final String PARTIAL_OBJECT_METADATA = "PartialObjectMetadata";
    static final String PARTIAL_OBJECT_METADATA_LIST = "PartialObjectMetadataList";

    private static final Set<String> CONVERSIONS = Set.of(TABLE, PARTIAL_OBJECT_METADATA, PARTIAL_OBJECT_METADATA_LIST);
    private static final Set<String> META_VERSIONS = Set.of("v1", "v1beta1");
    private static final List<String> ANSWERED_AS_JSON = List.of("json", "vnd.kubernetes.protobuf");

    /** The form for a request's Accept header; {@code watch} for a watch's event stream. */
    static OutputForm negotiate(String acceptHeader, boolean watch) {
        for (MediaRange range : MediaRange.parseAccept(acceptHeader)) {
            boolean yaml = range.is("application", "yaml");
            boolean json = !yaml && ANSWERED_AS_JSON.stream().anyMatch(subtype -> range.covers("application", subtype));
            if (!(json || yaml && !watch)) {
                continue;
            }
            String as = range.param("as");
            if (as == null) {
                return yaml ? new OutputForm(true, null, null) : JSON;
            }
            String version = range.param("v");
            if (CONVERSIONS.contains(as) && "meta.k8s.io".equals(range.param("g")) && META_VERSIONS.contains(version)) {
                return new OutputForm(yaml, as, version);
            }
        }
        return JSON;
    }

    boolean table() {
        return TABLE.equals(as);
    }

    boolean partialMetadata() {
        return PARTIAL_OBJECT_METADATA.equals(as) || PARTIAL_OBJECT_METADATA_LIST.equals(as);
    }
}
