package io.drover.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.api.strategy.GoValues;
import io.drover.api.strategy.RequestVersion;
import io.drover.api.strategy.Strategies;
import io.drover.api.strategy.SystemPriorityClasses;
import io.drover.api.validation.FieldValidation;
import io.drover.api.validation.OmittedEmpties;
import io.drover.api.validation.StrictDecoding;
import io.drover.api.validation.UnknownFields;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import io.drover.api.security.Authenticator;
import io.drover.api.security.ServiceAccountTokens;
import io.drover.api.apply.ApplyResult;
import io.drover.api.apply.ClientSideApplyTakeover;
import io.drover.api.apply.InvalidApplyException;
import io.drover.api.apply.LastApplied;
import io.drover.api.apply.ManagedFields;
import io.drover.api.apply.ResetFields;
import io.drover.api.apply.ServerSideApply;
import io.drover.api.apply.UndeclaredFields;
import io.drover.api.patch.PatchException;
import io.drover.api.patch.PatchSchema;
import io.drover.api.patch.StrategicMergePatch;
import io.drover.api.storage.DeleteOptions;
import io.drover.api.storage.Deletion;
import io.drover.api.storage.ListOptions;
import io.drover.api.storage.ObjectStorage;
import io.drover.api.storage.WritePart;
import io.drover.api.table.TableConverter;
import io.drover.json.Mappers;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/** The verbs on resource paths: get, list, watch, create, update, patch, delete, deletecollection. */
final class ResourceHandler {

    private static final String JSON = "application/json";
    /** The patch types of a built-in kind, in kube-apiserver's order. */
    private static final Set<String> PATCH_TYPES = Set.of("application/json-patch+json",
            "application/merge-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml");
    /**
     * How long a watch without timeoutSeconds (or with 0) runs at least: kube-apiserver's
     * --min-request-timeout, which it stretches by a random factor of 1-2 so that re-watches spread.
     */
    private static final long DEFAULT_WATCH_SECONDS = 1800;

    private final ResourceRegistry registry;
    /** Set when the server stops: open watches end so that the stop does not wait for them. */
    private volatile boolean closing;
    private final ObjectStorage storage;
    private final ObjectMapper json;
    private final Bodies bodies;
    private final ListWriter lists;
    private final PodActions podActions;
    private final Reviews selfReviews;
    private final TokenRequests tokenRequests;
    private final ListParameters listParameters;
    private final TableConverter tables = new TableConverter();
    private final Clock clock;
    private final PodLogHandler podLogs;

    ResourceHandler(ObjectStorage storage, ObjectMapper json, Clock clock, ResourceRegistry registry,
            PodLogHandler podLogs, Authenticator authenticator, ServiceAccountTokens tokens) {
        this.registry = registry;
        this.podLogs = podLogs;
        this.storage = storage;
        this.json = json;
        this.bodies = new Bodies(Mappers.requestJson());
        this.lists = new ListWriter(json, JSON);
        this.clock = clock;
        this.podActions = new PodActions(storage, json, bodies, clock, new Evictions(storage,
                registry.find("policy", "v1", "poddisruptionbudgets").orElseThrow(), clock));
        this.selfReviews = new Reviews(json, bodies, authenticator);
        this.tokenRequests = new TokenRequests(storage, registry, json, bodies, tokens, clock);
        this.listParameters = new ListParameters(storage::currentRevision);
    }

    /** Ends every open watch within a second; clients re-watch elsewhere or after a restart. */
    void close() {
        closing = true;
    }

    void handle(ApiRequest request, ResourcePath path, ApiResponse response) throws IOException {
        if (PodActions.isLegacyBinding(path.type())) {
            podActions.handleLegacyBinding(request, path, registry.find("", "v1", "pods").orElseThrow(), response);
            return;
        }
        if (!path.type().stored()) {
            selfReviews.handle(request, path, response);
            return;
        }
        java.util.Optional<ServedVersion> conversion = ServedVersion.of(path.type(), registry, json);
        if (conversion.isPresent()) {
            ServedVersion served = conversion.get();
            try {
                RequestVersion.during(path.type().apiVersion(), () -> {
                    handleStored(served.storedRequest(request, path, bodies, response), served.storedPath(path),
                            served.servedResponse(response));
                    return null;
                });
            } catch (ApiException e) {
                throw served.servedError(e);
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e); // handleStored throws nothing else
            }
        } else {
            handleStored(request, path, response);
        }
    }

    /** A request on the stored version of its resource. */
    private void handleStored(ApiRequest request, ResourcePath path, ApiResponse response) throws IOException {
        String sub = path.subresource();
        if (sub != null && !path.type().hasSubresource(sub)) {
            throw ApiException.notFound("the server could not find the requested resource");
        }
        if ("log".equals(sub)) {
            podLogs.handle(request, path, response);
            return;
        }
        if (PodActions.serves(sub)) {
            podActions.handle(request, path, response);
            return;
        }
        if (TokenRequests.serves(path)) {
            tokenRequests.handle(request, path, response);
            return;
        }
        if (ResourceType.FINALIZE.equals(sub) && !request.method().equals("PUT")) {
            // kube-apiserver's FinalizeREST is an updater only: `kubectl replace --raw .../finalize -f -`.
            throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
        if (sub != null && !sub.equals(ResourceType.STATUS) && !sub.equals(ResourceType.SCALE)
                && !sub.equals(ResourceType.EPHEMERAL_CONTAINERS) && !sub.equals(ResourceType.FINALIZE)) {
            throw ApiException.notFound("the server could not find the requested resource (" + sub
                    + " is not served yet)");
        }
        switch (request.method()) {
            case "GET" -> get(request, path, response);
            case "POST" -> create(request, path, response);
            case "PUT" -> update(request, path, response);
            case "PATCH" -> patch(request, path, response);
            case "DELETE" -> delete(request, path, response);
            default -> throw ApiException.methodNotAllowed("the server does not allow this method on the requested "
                    + "resource");
        }
    }

    private void get(ApiRequest request, ResourcePath path, ApiResponse response) throws IOException {
        ResponseView view = ResponseView.of(request, path, tables, clock);
        if (path.isCollection()) {
            ListOptions options = ListParameters.options(request, path.type());
            if (request.flag("watch")) {
                Boolean initialEvents = listParameters.sendInitialEvents(options, request);
                watch(request, path, options, initialEvents, response, view);
            } else {
                ListForm form = view == null ? ListForm.plain(path.type()) : view.listForm();
                long revision = listParameters.listRevision(options, request);
                lists.write(storage.list(path.type(), path.namespace(), options, revision), form,
                        options.limit() > 0, response);
            }
            return;
        }
        listParameters.requireReadable(request);
        ObjectNode object = storage.get(path.type(), path.namespace(), path.name());
        if (ResourceType.SCALE.equals(path.subresource())) {
            ObjectNode scale = Scale.of(object, json);
            send(response, 200, view == null ? scale : view.ofObject(scale));
        } else {
            send(response, 200, view == null ? object : view.ofObject(object));
        }
    }

    private void watch(ApiRequest request, ResourcePath path, ListOptions options, Boolean sendInitialEvents,
            ApiResponse response, ResponseView view) throws IOException {
        long seconds = 0;
        String timeout = request.param("timeoutSeconds");
        if (timeout != null && !timeout.isEmpty()) {
            try {
                seconds = Long.parseLong(timeout);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("timeoutSeconds: Invalid value: \"" + timeout + "\"");
            }
        }
        if (seconds == 0) {
            seconds = DEFAULT_WATCH_SECONDS + ThreadLocalRandom.current().nextLong(DEFAULT_WATCH_SECONDS + 1);
        }
        boolean bookmarks = request.flag("allowWatchBookmarks");
        long deadline = System.currentTimeMillis() + seconds * 1000;
        // Over a streamed GET or a WebSocket, as the request asked and the transport can (ApiResponse.watch).
        response.watch(new WatchStream(storage.watch(path.type(), path.namespace(), options, sendInitialEvents),
                path.type(), view, bookmarks, deadline, () -> closing, json));
    }

    private void create(ApiRequest request, ResourcePath path, ApiResponse response) throws IOException {
        if (!path.isCollection() || path.subresource() != null) {
            throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
        WriteOptions options = WriteOptions.of(request, WriteOptions.Verb.CREATE);
        Bodies.Parsed parsed = objectBody(request, path, options.fieldValidation());
        ObjectNode object = (ObjectNode) parsed.tree();
        FieldChecks.apply(options.fieldValidation(), path.type(), object, response, parsed.objectDecoding());
        OmittedEmpties.drop(path.type().apiVersion(), path.type().kind(), object);
        object = recordUpdate(path.type(), null, object, options.fieldManager());
        send(response, 201, storage.create(path.type(), namespaceOf(path), object, options.dryRun()));
    }

    private String namespaceOf(ResourcePath path) {
        if (path.type().namespaced() && path.namespace() == null) {
            throw ApiException.notFound("the server could not find the requested resource");
        }
        return path.namespace();
    }

    private void update(ApiRequest request, ResourcePath path, ApiResponse response) throws IOException {
        requireItem(path);
        WriteOptions options = WriteOptions.of(request, WriteOptions.Verb.UPDATE);
        boolean scale = ResourceType.SCALE.equals(path.subresource());
        BodyKind kind = BodyKind.of(path);
        Bodies.Parsed parsed = bodies.parse(request.body().read(), request.header("content-type"), kind,
                options.fieldValidation() != FieldValidation.IGNORE);
        ObjectNode body = (ObjectNode) requireObject(parsed.tree());
        if (scale) {
            // A Scale is decoded as any object is: of its kind and version only, unknown fields refused under
            // Strict, else dropped; and the update handler's checks: the URL's namespace, a name (checkName).
            SubresourceBodies.checkKindAndNamespace(body, path.namespace(), "Scale", List.of("autoscaling/v1"));
            ObjectStorage.checkName(body, path.name());
            FieldChecks.apply(options.fieldValidation(), kind, body, response, parsed.objectDecoding());
            send(response, 200, Scale.of(storage.update(path.type(), path.namespace(), path.name(),
                    current -> recordUpdate(path.type(), current, Scale.applyTo(current.deepCopy(), body),
                            options.fieldManager(), WritePart.SCALE),
                    WritePart.SCALE, options.dryRun()), json));
            return;
        }
        checkKindAndNamespace(body, path);
        FieldChecks.apply(options.fieldValidation(), path.type(), body, response, parsed.objectDecoding());
        OmittedEmpties.drop(path.type().apiVersion(), path.type().kind(), body);
        WritePart part = WritePart.of(path.subresource());
        if (part != WritePart.MAIN) {
            // The body is confined to the subresource's part below, its name with the rest of its metadata.
            ObjectStorage.checkName(body, path.name());
        }
        ObjectStorage.Replaced replaced = storage.replace(path.type(), path.namespace(), path.name(),
                current -> recordUpdate(path.type(), current, part.confine(current, body), options.fieldManager(),
                        part),
                // A PUT that creates is a create (an Update entry in managedFields all the same, as there).
                () -> recordUpdate(path.type(), null, body.deepCopy(), options.fieldManager()), part, options.dryRun());
        send(response, replaced.created() ? 201 : 200, replaced.object());
    }

    private void patch(ApiRequest request, ResourcePath path, ApiResponse response) throws IOException {
        requireItem(path);
        String media = Bodies.mediaType(request.header("content-type"));
        if (!PATCH_TYPES.contains(media)) {
            // Checked first, as kube-apiserver's patch handler does: before the options and the body.
            throw ApiException.unsupportedPatchType();
        }
        boolean apply = media.equals("application/apply-patch+yaml");
        WriteOptions options = WriteOptions.of(request, apply ? WriteOptions.Verb.APPLY : WriteOptions.Verb.PATCH);
        Bodies.Parsed parsed = bodies.parse(request.body().read(), media, null,
                options.fieldValidation() != FieldValidation.IGNORE);
        if (apply) {
            serverSideApply(options, path, (ObjectNode) requireObject(parsed.tree()), parsed.yamlDuplicateLines(),
                    response);
            return;
        }
        JsonNode patch = media.equals("application/json-patch+json")
                ? JsonPatches.operations(parsed.tree(), options.fieldValidation()) : parsed.tree();
        StrictDecoding decoding = media.equals("application/json-patch+json")
                ? StrictDecoding.jsonPatch(JsonPatches.unknownMembers(patch), parsed.jsonFields())
                : StrictDecoding.patch(parsed.jsonFields());
        UnaryOperator<JsonNode> patcher = switch (media) {
            case "application/merge-patch+json" -> {
                requireObject(patch);
                yield current -> MergePatch.apply(current, patch);
            }
            case "application/json-patch+json" ->
                    current -> JsonPatches.apply(patch, current);
            case "application/strategic-merge-patch+json" -> {
                // Go decodes a null patch into a nil map, which StrategicMergePatch merges as nothing.
                JsonNode merged = patch.isNull() ? json.createObjectNode() : requireObject(patch);
                yield current -> strategicPatch(path, merged, current);
            }
            default -> throw new IllegalStateException("not a patch type: " + media);
        };
        if (options.fieldValidation() == FieldValidation.STRICT
                && !media.equals("application/strategic-merge-patch+json")) {
            // A JSON or merge patch's own fields given twice (or a JSON patch operation's unknown members) are the
            // patch body's 400, found before it is applied (jsonPatcher.applyJSPatch); a strategic merge patch's go
            // with the patched object's problems, in its 422.
            List<StrictDecoding.Problem> own = decoding.problems(List.of());
            if (!own.isEmpty()) {
                throw ApiException.badRequest(decoding.errorMessage(path.type().apiVersion(), path.type().kind(), own));
            }
        }
        boolean scale = ResourceType.SCALE.equals(path.subresource());
        WritePart part = WritePart.of(path.subresource());
        ApiResponse warnings = new OnceWarnings(response); // the patch runs again on a conflict
        ObjectNode result = storage.update(path.type(), path.namespace(), path.name(), current -> {
            if (scale) {
                ObjectNode patchedScale = (ObjectNode) requireObject(patcher.apply(Scale.of(current, json)));
                checkPatched(options.fieldValidation(), BodyKind.of(path), patchedScale, warnings, decoding,
                        invalidValue(media, patch, patchedScale));
                ObjectNode scaled = Scale.applyTo(current.deepCopy(), patchedScale);
                return sameVersionIsNoPrecondition(current, recordUpdate(path.type(), current, scaled,
                        options.fieldManager(), part));
            }
            // Decoded into the endpoint's type, a patched object without apiVersion or kind gets them back.
            ObjectNode patched = (ObjectNode) BodyKind.of(path.type())
                    .defaultsOf(requireObject(patcher.apply(current)));
            checkUidUnchanged(current, patched, path);
            // A patch is applied to the stored object, resourceVersion included, unless it removes that.
            ObjectStorage.requireResourceVersionWhereNeeded(path.type(), path.name(), patched);
            checkKindAndNamespace(patched, path);
            checkPatched(options.fieldValidation(), BodyKind.of(path.type()), patched, warnings, decoding,
                    invalidValue(media, patch, patched));
            OmittedEmpties.drop(path.type().apiVersion(), path.type().kind(), patched);
            return sameVersionIsNoPrecondition(current,
                    recordUpdate(path.type(), current, part.confine(current, patched), options.fieldManager(),
                            part));
        }, part, options.dryRun());
        send(response, 200, scale ? Scale.of(result, json) : result);
    }

    /**
     * {@link FieldChecks} of a patched object, failing as kube-apiserver's patch handler fails a patched object it
     * cannot decode (applyPatchToObject, jsonPatcher): 422 Invalid on field {@code patch}, not the 400 of a created
     * or updated body, so that kubectl says "The request is invalid" and clients' IsInvalid holds.
     */
    private static void checkPatched(FieldValidation mode, BodyKind kind, ObjectNode patched, ApiResponse warnings,
            StrictDecoding decoding, Supplier<String> invalidValue) {
        try {
            FieldChecks.apply(mode, kind, patched, warnings, decoding);
        } catch (ApiException e) {
            if (e.code() != 400) {
                throw e;
            }
            // The bare decoding error: a patch's names no kind ("X in version ... cannot be handled as a X: ").
            String error = e.getMessage().replaceFirst("^\\S+ in version \"[^\"]*\" cannot be handled as a \\S+: ", "");
            throw ApiException.invalid("", "", List.of(new ApiException.Cause("FieldValueInvalid",
                    "Invalid value: " + GoValues.quote(invalidValue.get()) + ": " + error, "patch")));
        }
    }

    /** The invalid value kube names: a strategic merge patch's map as Go's %+v prints it, else the patched object. */
    private static Supplier<String> invalidValue(String media, JsonNode patch, JsonNode patched) {
        return media.equals("application/strategic-merge-patch+json") ? () -> GoValues.plusV(patch)
                : patched::toString;
    }

    /**
     * Server-side apply: merges the applied configuration into the object (creating it when it
     * does not exist), owning its fields for the field manager; a field owned by another manager
     * with another value is a 409 conflict unless {@code force=true}.
     */
    /**
     * structured-merge-diff's typed conversion of an apply configuration refuses fields the kind does not have,
     * whatever fieldValidation says (kube-apiserver answers that with a 500; it is the client's error), in the
     * version the configuration is written in.
     */
    static void refuseUndeclaredFields(ResourcePath path, ObjectNode applied) {
        String apiVersion = path.type().apiVersion();
        List<String> undeclared = UnknownFields.find(apiVersion, path.type().kind(), applied);
        if (!undeclared.isEmpty()) {
            String version = apiVersion.contains("/") ? apiVersion : "/" + apiVersion;
            throw ApiException.badRequest("failed to create typed patch object (" + Objects.toString(path.namespace(),
                    "") + "/" + path.name() + "; " + version + ", Kind=" + path.type().kind() + "): "
                    + UndeclaredFields.message(applied, PatchSchema.forKind(apiVersion, path.type().kind()),
                            undeclared));
        }
    }

    private void serverSideApply(WriteOptions options, ResourcePath path, ObjectNode body,
            List<String> duplicateKeys, ApiResponse response) throws IOException {
        BodyKind.requireNamedInApply(body);
        boolean scale = ResourceType.SCALE.equals(path.subresource());
        ObjectNode applied = scale ? Scale.applyConfiguration(body, path.type()) : body;
        String manager = options.fieldManager();
        boolean force = options.force();
        String apiVersion = applied.path("apiVersion").asText("");
        if (!apiVersion.isEmpty() && !apiVersion.equals(path.type().apiVersion())) {
            throw ApiException.badRequest("Incorrect version specified in apply patch. Specified patch version: "
                    + apiVersion + ", expected: " + path.type().apiVersion());
        }
        checkKindAndNamespace(applied, path);
        if (applied.path("metadata").has("managedFields") && !applied.path("metadata").get("managedFields").isNull()) {
            // Ownership is the server's record of past applies; an applied configuration cannot claim it.
            throw ApiException.badRequest("metadata.managedFields must be nil");
        }
        PatchSchema schema = PatchSchema.forKind(path.type().apiVersion(), path.type().kind());
        if (!scale) {
            // structured-merge-diff's typed conversion of the configuration refuses fields the kind does not have,
            // whatever fieldValidation says (kube-apiserver answers that with a 500; it is the client's error).
            refuseUndeclaredFields(path, applied);
            FieldChecks.apply(options.fieldValidation(), path.type(), applied, response);
        }
        ApplyStrictness strictness = new ApplyStrictness(options.fieldValidation(), duplicateKeys);
        strictness.warn(response);
        WritePart part = WritePart.of(path.subresource());
        // Through a subresource only its part is applied, and owned, as Kubernetes resets the rest.
        ObjectNode config = part.confine(skeleton(applied), applied);
        ResetFields reset = ResetFields.of(path.type(), part.subresource());
        try {
            ObjectNode result = storage.update(path.type(), path.namespace(), path.name(), current -> {
                ApplyResult first = attempt(path, () -> ServerSideApply.apply(current, config, manager, force,
                        schema, clock.instant(), part.subresource(), reset));
                // Kubernetes applies to a Scale, which has no last-applied annotation to take fields over by.
                ApplyResult outcome = scale ? first : ClientSideApplyTakeover.resolve(current, path.type(), schema,
                        manager, first, () -> attempt(path, () -> ServerSideApply.apply(current, config, manager,
                                true, schema, clock.instant(), part.subresource(), reset)));
                ObjectNode merged = applied(path, () -> outcome);
                // An applied uid is a field like another (no precondition, unlike a PUT's): another one is immutable.
                checkUidUnchanged(current, merged, path);
                // The configuration keeps its empty values, as structured-merge-diff sees them (an applied
                // `value: ""` is owned); the object drops them, as typed decoding does.
                OmittedEmpties.drop(path.type().apiVersion(), path.type().kind(), merged);
                if (part == WritePart.MAIN) {
                    LastApplied.sync(merged, applied, manager);
                }
                strictness.check();
                return sameVersionIsNoPrecondition(current, merged);
            }, part, options.dryRun());
            send(response, 200, scale ? Scale.of(result, json) : result);
        } catch (ApiException e) {
            if (e.code() != 404 || path.subresource() != null || !e.getMessage().startsWith(path.type().qualifiedName())) {
                throw e;
            }
            ObjectNode created = applied(path, () -> ServerSideApply.apply(null, applied, manager, force, schema,
                    clock.instant(), "", reset));
            OmittedEmpties.drop(path.type().apiVersion(), path.type().kind(), created);
            strictness.check();
            LastApplied.sync(created, applied, manager);
            if (created.path("metadata").path("name").asText("").isEmpty()) {
                throw ObjectStorage.undeterminableName(path.name());
            }
            send(response, 201, storage.create(path.type(), namespaceOf(path), created, options.dryRun()));
        }
    }

    /**
     * kube-apiserver's strict pass over an apply configuration (yaml.UnmarshalStrict once the apply
     * has merged): keys given twice fail the apply under Strict, after its own errors such as
     * conflicts, and are one Warning each under Warn.
     */
    private record ApplyStrictness(FieldValidation mode, List<String> duplicateKeys) {
        void warn(ApiResponse response) {
            if (mode == FieldValidation.WARN) {
                duplicateKeys.forEach(line -> response.addHeader("Warning", FieldValidation.warningHeader(line)));
            }
        }

        void check() {
            if (mode == FieldValidation.STRICT && !duplicateKeys.isEmpty()) {
                throw ApiException.badRequest("error strict decoding YAML: error converting YAML to JSON: "
                        + StrictDecoding.yamlUnmarshalErrors(duplicateKeys));
            }
        }
    }

    /** An object with {@code object}'s identity (apiVersion, kind, name and namespace) and nothing else. */
    private ObjectNode skeleton(ObjectNode object) {
        ObjectNode skeleton = json.createObjectNode();
        for (String field : List.of("apiVersion", "kind")) {
            if (object.has(field)) {
                skeleton.set(field, object.get(field));
            }
        }
        ObjectNode metadata = skeleton.putObject("metadata");
        for (String field : List.of("name", "namespace")) {
            if (object.path("metadata").has(field)) {
                metadata.set(field, object.path("metadata").get(field));
            }
        }
        return skeleton;
    }

    private static ApplyResult attempt(ResourcePath path, java.util.function.Supplier<ApplyResult> apply) {
        try {
            return apply.get();
        } catch (InvalidApplyException e) {
            throw new ApiException(422, "Invalid", e.getMessage(), path.type(), path.name(), List.of());
        }
    }

    private static ObjectNode applied(ResourcePath path, java.util.function.Supplier<ApplyResult> apply) {
        ApplyResult result = attempt(path, apply);
        if (result.conflicted()) {
            List<ApiException.Cause> causes = result.conflicts().stream()
                    .map(c -> new ApiException.Cause("FieldManagerConflict", c.causeMessage(), c.field()))
                    .toList();
            // NewApplyConflict: the Status's details hold the causes alone.
            throw new ApiException(409, "Conflict", result.conflictMessage(), null, null, causes);
        }
        return result.merged();
    }

    /**
     * A patch is applied to the object as read, resourceVersion included; only a patch that sets
     * another resourceVersion asks for a precondition. Without this a write racing the patch would
     * fail it with 409, where Kubernetes re-applies the patch to the newer object.
     */
    private static ObjectNode sameVersionIsNoPrecondition(ObjectNode current, ObjectNode desired) {
        JsonNode now = current.path("metadata").path("resourceVersion");
        if (desired.path("metadata").path("resourceVersion").equals(now)) {
            desired.withObject("metadata").remove("resourceVersion");
        }
        return desired;
    }

    /**
     * Attributes the fields a write changed to its manager, but those the kind's strategy resets ({@link
     * ResetFields}: a create's or update's status). An object whose lists cannot be keyed (a container without a
     * name) is left as it is: validation reports the real problem.
     */
    private ObjectNode recordUpdate(ResourceType type, ObjectNode current, ObjectNode desired, String manager) {
        return recordUpdate(type, current, desired, manager, WritePart.MAIN);
    }

    /**
     * {@link #recordUpdate(ResourceType, ObjectNode, ObjectNode, String)} for a write of {@code part} (its
     * subresource's entry).
     */
    private ObjectNode recordUpdate(ResourceType type, ObjectNode current, ObjectNode desired, String manager,
            WritePart part) {
        if (part == WritePart.MAIN) {
            // The field manager sees the object as decoded: defaulted, a Secret's stringData folded into data, the
            // zero values a protobuf body carries for omitempty fields gone (kubectl create owns no spec.paused).
            Strategies.forType(type).applyDecodeDefaults(desired);
        }
        try {
            return ManagedFields.recordUpdate(current, desired, manager, clock.instant(), part.subresource(),
                    ResetFields.of(type, part.subresource()));
        } catch (InvalidApplyException e) {
            return desired;
        }
    }

    private static JsonNode strategicPatch(ResourcePath path, JsonNode patch, JsonNode current) {
        // The scale subresource is a Scale, whatever the workload's kind.
        PatchSchema schema = ResourceType.SCALE.equals(path.subresource()) ? PatchSchema.none()
                : PatchSchema.forKind(path.type().apiVersion(), path.type().kind());
        try {
            return StrategicMergePatch.apply(current, patch, schema);
        } catch (PatchException e) {
            throw ApiException.badRequest("the strategic merge patch could not be applied: " + e.getMessage());
        }
    }

    private void delete(ApiRequest request, ResourcePath path, ApiResponse response) throws IOException {
        DeleteOptions options = DeleteRequestOptions.read(request, bodies);
        if (path.isCollection()) {
            deleteCollection(request, path, options, response);
            return;
        }
        if (path.subresource() != null) {
            throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
        if (path.type().kind().equals("PriorityClass") && SystemPriorityClasses.isSystem(path.name())) {
            // priorityclass REST.Delete; a deletecollection passes the generic store, as there.
            throw new ApiException(403, "Forbidden", path.type().qualifiedName() + " \"" + path.name()
                    + "\" is forbidden: this is a system priority class and cannot be deleted", path.type(),
                    path.name(), List.of());
        }
        Deletion done = storage.delete(path.type(), path.namespace(), path.name(), options);
        ObjectNode last = done.object();
        // The handler's answer: 202 only for orphanDependents false while the object stays; the object
        // while it stays, and once gone for the kinds whose registry returns it (finalizeDelete).
        send(response, !done.removed() && options.acceptedWhenPending() ? 202 : 200,
                !done.removed() || path.type().deleteAnswersObject() ? last
                        : success(path.name(), path.type(), last.path("metadata").path("uid").asText()));
    }

    /**
     * Deletes what the list selects (one page of it when the request has a limit) and answers that
     * list, each item as it was listed, as Kubernetes' DeleteCollection does. An object deleted
     * by someone else in the meantime is skipped, as there.
     */
    private void deleteCollection(ApiRequest request, ResourcePath path, DeleteOptions options,
            ApiResponse response) throws IOException {
        if (!path.type().verbs().contains("deletecollection")) {
            throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
        ListOptions selection = ListParameters.options(request, path.type());
        ResponseView view = ResponseView.of(request, path, tables, clock);
        ListForm form = view == null ? ListForm.plain(path.type()) : view.listForm();
        lists.write(storage.list(path.type(), namespaceOf(path), selection), item -> {
            String ns = item.path("metadata").path("namespace").asText(null);
            try {
                storage.delete(path.type(), ns, item.path("metadata").path("name").asText(), options);
            } catch (ApiException e) {
                if (e.code() != 404) {
                    throw e;
                }
            }
            return item;
        }, form, selection.limit() > 0, response);
    }

    /** What a delete that removed the object at once answers (Kubernetes' finalizeDelete). */
    private ObjectNode success(String name, ResourceType type, String uid) {
        ObjectNode status = json.createObjectNode();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.putObject("metadata");
        status.put("status", "Success");
        ObjectNode details = status.putObject("details");
        details.put("name", name);
        details.put("group", type.group());
        details.put("kind", type.plural());
        details.put("uid", uid);
        return status;
    }

    private Bodies.Parsed objectBody(ApiRequest request, ResourcePath path, FieldValidation mode) throws IOException {
        Bodies.Parsed parsed = bodies.parse(request.body().read(), request.header("content-type"), BodyKind.of(path),
                mode != FieldValidation.IGNORE);
        checkKindAndNamespace((ObjectNode) requireObject(parsed.tree()), path);
        return parsed;
    }

    static void checkKindAndNamespace(ObjectNode body, ResourcePath path) {
        ResourceType type = path.type();
        String apiVersion = body.path("apiVersion").asText("");
        if (!apiVersion.isEmpty() && !apiVersion.equals(type.apiVersion())) {
            throw ApiException.badRequest("the API version in the data (" + apiVersion
                    + ") does not match the expected API version (" + type.apiVersion() + ")");
        }
        String kind = body.path("kind").asText("");
        if (!kind.isEmpty() && !kind.equals(type.kind())) {
            throw ApiException.badRequest("the kind in the data (" + kind + ") does not match the expected kind ("
                    + type.kind() + ")");
        }
        JsonNode metadata = body.path("metadata");
        if (!metadata.isMissingNode() && !metadata.isObject()) {
            throw ApiException.badRequest("metadata must be an object");
        }
        String namespace = metadata.path("namespace").asText("");
        if (type.namespaced() && !namespace.isEmpty() && path.namespace() != null
                && !namespace.equals(path.namespace())) {
            throw ApiException.badRequest("the namespace of the provided object does not match the namespace sent "
                    + "on the request");
        }
    }

    /**
     * A patch's or apply's uid is not a precondition (the result starts from the stored object), so one that changes
     * it is refused as ValidateObjectMetaUpdate refuses it: the field is immutable.
     */
    private static void checkUidUnchanged(ObjectNode current, ObjectNode patched, ResourcePath path) {
        JsonNode uid = patched.path("metadata").path("uid");
        if (uid.isTextual() && !uid.asText().isEmpty() && !uid.equals(current.path("metadata").path("uid"))) {
            throw ApiException.invalid(path.type(), path.name(), List.of(new ApiException.Cause("FieldValueInvalid",
                    "Invalid value: " + GoValues.quote(uid.asText()) + ": field is immutable", "metadata.uid")));
        }
    }

    private static JsonNode requireObject(JsonNode node) {
        if (!node.isObject()) {
            throw ApiException.badRequest("the request body must be a JSON object");
        }
        return node;
    }

    private static void requireItem(ResourcePath path) {
        if (path.isCollection()) {
            throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
    }

    private void send(ApiResponse response, int status, JsonNode body) throws IOException {
        response.send(status, JSON, json.writeValueAsBytes(body));
    }
}
