package io.drover.api.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import io.drover.api.service.ServiceAllocations;
import io.drover.api.service.ServiceClaims;
import io.drover.api.strategy.ConditionTimes;
import io.drover.api.strategy.GoValues;
import io.drover.api.strategy.PodEphemeralContainers;
import io.drover.api.strategy.ResourceStrategy;
import io.drover.api.strategy.Strategies;
import io.drover.json.MetaTime;
import io.drover.store.ConflictException;
import io.drover.store.KeyExistsException;
import io.drover.store.KeyValue;
import io.drover.store.RangeOptions;
import io.drover.store.Store;
import io.drover.store.ValueTooLargeException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

/**
 * Kubernetes object semantics over the {@link Store}: objects are JSON under
 * {@code /registry/<resource>/<namespace>/<name>}, their resourceVersion is the store revision,
 * and every write is a compare-and-swap (Kubernetes' GuaranteedUpdate), retried when nobody asked
 * for a specific resourceVersion.
 */
public final class ObjectStorage {

    private static final ResourceType NAMESPACES = ResourceRegistry.builtin().find("", "v1", "namespaces").orElseThrow();
    /** Namespaces Kubernetes' namespace lifecycle admission never lets go. */
    private static final java.util.Set<String> UNDELETABLE_NAMESPACES = java.util.Set.of("default", "kube-system",
            "kube-public");

    /** kube-apiserver's maxNameGenerationCreateAttempts. */
    static final int GENERATE_NAME_ATTEMPTS = 8;

    private final RandomGenerator names;
    private final Store store;
    private final ObjectCodec codec;
    private final Clock clock;
    private final ServiceAllocations services;
    private final ServiceClaims serviceClaims;
    /** Which namespaces a create may go into without reading the namespace (see ActiveNamespaces). */
    private final ActiveNamespaces activeNamespaces;
    private final PriorityAdmission priorities;
    private final RuntimeClassAdmission runtimeClasses;
    private final ServiceAccountAdmission serviceAccounts;

    public ObjectStorage(Store store, ObjectMapper json, Clock clock) {
        this(store, json, clock, ServiceAllocations.defaults());
    }

    public ObjectStorage(Store store, ObjectMapper json, Clock clock, ServiceAllocations services) {
        this(store, json, clock, services, new SecureRandom());
    }

    /** With the random source of generated names given (a test's, to make them collide). */
    ObjectStorage(Store store, ObjectMapper json, Clock clock, ServiceAllocations services, RandomGenerator names) {
        this.names = names;
        this.store = store;
        this.codec = new ObjectCodec(json);
        this.clock = clock;
        this.services = services;
        this.serviceClaims = new ServiceClaims(store, json, clock);
        this.activeNamespaces = new ActiveNamespaces(store, codec);
        this.priorities = new PriorityAdmission(store, codec);
        this.runtimeClasses = new RuntimeClassAdmission(store, codec);
        this.serviceAccounts = new ServiceAccountAdmission(store, codec);
    }

    public long currentRevision() {
        return store.currentRevision();
    }

    /** Reads one key, as kube-apiserver's etcd health check does; throws when the datastore does not answer. */
    public void checkDatastore() {
        store.get("/registry/health");
    }

    public ObjectNode get(ResourceType type, String namespace, String name) {
        return codec.decode(read(type, namespace, name));
    }

    private KeyValue read(ResourceType type, String namespace, String name) {
        return store.get(type.storageKey(namespace, name)).orElseThrow(() -> ApiException.notFound(type, name));
    }

    /** The objects the options select, read page by page as they are taken (one page when limited). */
    public ListCursor list(ResourceType type, String namespace, ListOptions options) {
        return list(type, namespace, options, 0);
    }

    /** The same, as of {@code revision} (0: the current one, or the continue token's). */
    public ListCursor list(ResourceType type, String namespace, ListOptions options, long revision) {
        return new ListCursor(store, codec, type.storagePrefix(namespace), options, revision);
    }

    /**
     * Stores a new object; fills in uid, creationTimestamp, generation and a generated name. A
     * generated name that is taken is replaced by a new one, up to {@link #GENERATE_NAME_ATTEMPTS}
     * attempts in all, as kube-apiserver does (RetryGenerateName, on by default since 1.31): with 27^5
     * suffixes, a prefix shared by ten thousand objects would otherwise fail about one create in
     * 1,400 with AlreadyExists. A dry run makes one attempt, as there.
     */
    public ObjectNode create(ResourceType type, String namespace, ObjectNode object, boolean dryRun) {
        if (dryRun || !ObjectMetaRules.generatesName(object.path("metadata"))) {
            return createOnce(type, namespace, object, dryRun);
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return createOnce(type, namespace, object.deepCopy(), false);
            } catch (ApiException e) {
                if (attempt == GENERATE_NAME_ATTEMPTS || !e.reason().equals("AlreadyExists")) {
                    throw e;
                }
            }
        }
    }

    private ObjectNode createOnce(ResourceType type, String namespace, ObjectNode object, boolean dryRun) {
        ObjectNode metadata = object.withObject("metadata");
        // Admission runs before a name is generated, so its errors name the prefix (extractResourceName).
        String admittedName = ObjectMetaRules.generatesName(metadata) ? metadata.path("generateName").asText()
                : metadata.path("name").asText("");
        String name = ObjectMetaRules.nameForCreate(type, metadata, names);
        List<ApiException.Cause> causes = new ArrayList<>(ObjectMetaRules.validateName(type, name));
        if (type.namespaced()) {
            metadata.put("namespace", namespace);
            if (!type.plural().equals("namespaces")) {
                requireActiveNamespace(type, namespace, admittedName);
            }
        } else {
            metadata.remove("namespace");
        }
        object.put("apiVersion", type.apiVersion());
        object.put("kind", type.kind());
        metadata.put("uid", UUID.randomUUID().toString());
        metadata.put("creationTimestamp", MetaTime.now(clock));
        metadata.remove(List.of("resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink",
                "generation"));
        ResourceStrategy strategy = Strategies.forType(type);
        if (strategy.tracksGeneration()) {
            metadata.put("generation", 1);
        }
        strategy.applyDefaults(object);
        strategy.applyCreateDefaults(object);
        ConditionTimes.fill(type, object);
        if (type.group().isEmpty() && type.plural().equals("pods")) {
            serviceAccounts.admit(object, namespace, admittedName);
            priorities.admitPod(object, admittedName);
            runtimeClasses.admitPod(object, admittedName);
        } else if (type.plural().equals("priorityclasses")) {
            priorities.admitClass(object);
        }
        // Every problem at once, as Kubernetes reports them: the name and the kind's own rules.
        causes.addAll(strategy.validateCreate(object));
        if (!causes.isEmpty()) {
            throw ApiException.invalid(type, name, causes);
        }
        String key = type.storageKey(namespace, name);
        if (dryRun) {
            if (store.get(key).isPresent()) {
                throw alreadyExists(type, key, name);
            }
            return allocating(type, object, true, () -> object);
        }
        try {
            return allocating(type, object, false,
                    () -> codec.written(object, store.create(key, codec.encode(object))));
        } catch (KeyExistsException e) {
            throw alreadyExists(type, key, name);
        } catch (ValueTooLargeException e) {
            throw ApiException.tooLarge("object is too large: " + e.getMessage());
        }
    }

    /**
     * The 409 of a create whose name is taken, saying so when the object holding it is being deleted,
     * as the generic store's Create does ("object is being deleted: ..."): the name is free once it goes.
     */
    private ApiException alreadyExists(ResourceType type, String key, String name) {
        ApiException taken = ApiException.alreadyExists(type, name);
        boolean deleting = store.get(key).map(kv -> isDeleting(codec.decode(kv))).orElse(false);
        return deleting ? taken.withMessage("object is being deleted: " + taken.getMessage()) : taken;
    }

    /**
     * Runs a write; a Service's ClusterIP and NodePorts are allocated first (claimed in the store
     * unless this is a dry run), under the allocation lock that the write also holds.
     */
    private ObjectNode allocating(ResourceType type, ObjectNode object, boolean dryRun, Supplier<ObjectNode> write) {
        if (!ServiceAllocations.handles(type)) {
            return write.get();
        }
        return services.write(type, object, () -> {
            List<JsonNode> stored = new ArrayList<>();
            store.range(type.storagePrefix(), new RangeOptions(0, 0, null)).kvs()
                    .forEach(kv -> stored.add(codec.decode(kv)));
            return stored;
        }, dryRun ? null : serviceClaims, write);
    }

    /**
     * The NamespaceLifecycle admission of a create: the namespace must exist (404 naming the namespace) and
     * not be terminating (403 naming the object, as admission.NewForbidden words it, with the
     * NamespaceTerminating cause that clients such as the namespace controller look for).
     */
    private void requireActiveNamespace(ResourceType type, String namespace, String admittedName) {
        if (activeNamespaces.isActive(namespace)) {
            return;
        }
        KeyValue kv = store.get("/registry/namespaces/" + namespace)
                .orElseThrow(() -> ApiException.notFound(NAMESPACES, namespace));
        if (isDeleting(codec.decode(kv))) {
            String name = admittedName.isEmpty() ? "Unknown" : admittedName;
            throw new ApiException(403, "Forbidden", type.qualifiedName() + " " + GoValues.quote(name)
                    + " is forbidden: unable to create new content in namespace " + namespace
                    + " because it is being terminated", type, name, List.of(new ApiException.Cause(
                            "NamespaceTerminating", "namespace " + namespace + " is being terminated",
                            "metadata.namespace")));
        }
    }

    /**
     * The finalizers that hold an object's deletion: metadata.finalizers, and for a namespace also
     * spec.finalizers (the namespace controller's "kubernetes").
     */
    private static List<String> finalizers(ResourceType type, JsonNode object) {
        List<String> names = new ArrayList<>();
        object.path("metadata").path("finalizers").forEach(f -> names.add(f.asText()));
        if (isNamespace(type)) {
            object.path("spec").path("finalizers").forEach(f -> names.add(f.asText()));
        }
        return names;
    }

    private static boolean isNamespace(ResourceType type) {
        return type.group().isEmpty() && type.plural().equals("namespaces");
    }

    /**
     * Changes an object: {@code change} gets a copy of the stored object and returns the desired one.
     * A resourceVersion in the desired object is a precondition; without one the change is retried
     * on the newest version. What no write may change (uid, name, creation time) is kept; status
     * is only taken from a status write, and spec only from a main write, for resources with a
     * status subresource.
     */
    public ObjectNode update(ResourceType type, String namespace, String name, UnaryOperator<ObjectNode> change,
            boolean statusWrite, boolean dryRun) {
        return update(type, namespace, name, change, statusWrite ? WritePart.STATUS : WritePart.MAIN, dryRun);
    }

    /**
     * {@link #update(ResourceType, String, String, UnaryOperator, boolean, boolean)} through a
     * subresource that changes {@code part} of the object only.
     */
    public ObjectNode update(ResourceType type, String namespace, String name, UnaryOperator<ObjectNode> change,
            WritePart part, boolean dryRun) {
        return write(type, namespace, name, change, null, part, false, dryRun).object();
    }

    /** What a PUT did: the object as written, and whether the PUT created it (answered 201). */
    public record Replaced(ObjectNode object, boolean created) {}

    /**
     * An update through PUT, as kube-apiserver's store.Update takes it: {@code change} makes the desired object of
     * the stored one, as for {@link #update(ResourceType, String, String, UnaryOperator, WritePart, boolean)}. A kind
     * whose strategy does not allow unconditional updates (a Lease) refuses a body without a resourceVersion with a
     * 422. A missing object of a kind whose strategy allows create on update (a Lease, a Role, an Event, ...) is
     * created from {@code creation} through the create path, defaults, checks and admission included, its body's
     * resourceVersion ignored and its uid a precondition that no object meets (409). Through a subresource nothing
     * is created.
     */
    public Replaced replace(ResourceType type, String namespace, String name, UnaryOperator<ObjectNode> change,
            Supplier<ObjectNode> creation, WritePart part, boolean dryRun) {
        boolean creates = part == WritePart.MAIN && Strategies.forType(type).allowsCreateOnUpdate();
        return write(type, namespace, name, change, creates ? creation : null, part, true, dryRun);
    }

    /**
     * store.Update's refusal of an update without a resourceVersion for a kind whose strategy does not allow
     * unconditional updates (Leases, RuntimeClasses); a patch meets it only by removing the resourceVersion.
     */
    public static void requireResourceVersionWhereNeeded(ResourceType type, String name, JsonNode desired) {
        if (desired.path("metadata").path("resourceVersion").asText("").isEmpty()
                && !Strategies.forType(type).allowsUnconditionalUpdate()) {
            // NewInvalid on the resource (not the kind), as the generic store words it.
            throw ApiException.invalid(type.qualifiedName(), name, List.of(new ApiException.Cause("FieldValueInvalid",
                    "Invalid value: 0: must be specified for an update", "metadata.resourceVersion")));
        }
    }

    private Replaced write(ResourceType type, String namespace, String name, UnaryOperator<ObjectNode> change,
            Supplier<ObjectNode> creation, WritePart part, boolean put, boolean dryRun) {
        boolean statusWrite = part == WritePart.STATUS;
        ConflictRetry retry = new ConflictRetry();
        while (true) {
            Optional<KeyValue> found = store.get(type.storageKey(namespace, name));
            if (found.isEmpty()) {
                if (creation == null) {
                    throw ApiException.notFound(type, name);
                }
                Replaced created = createOnUpdate(type, namespace, name, creation.get(), dryRun);
                if (created != null) {
                    return created;
                }
                if (!retry.pauseBeforeRetry()) {
                    throw ApiException.conflict(type, name);
                }
                continue; // created meanwhile: updated as GuaranteedUpdate retries on what it finds
            }
            KeyValue kv = found.get();
            ObjectNode stored = codec.decode(kv);
            ObjectNode desired = change.apply(stored.deepCopy());
            ObjectMetaRules.checkUid(type, name, stored, desired);
            if (put) {
                requireResourceVersionWhereNeeded(type, name, desired);
            }
            String wantedVersion = desired.path("metadata").path("resourceVersion").asText("");
            if (!wantedVersion.isEmpty() && !wantedVersion.equals(Long.toString(kv.modRevision()))) {
                throw ApiException.conflict(type, name);
            }
            // An update, a patch or an apply must leave the object its name.
            checkName(desired, name);
            if (part.writesObject()) {
                List<ApiException.Cause> deletion = ObjectMetaRules.deletionChanges(stored, desired);
                if (!deletion.isEmpty()) {
                    throw ApiException.invalid(type, name, deletion);
                }
            }
            ResourceStrategy strategy = Strategies.forType(type);
            // Defaults go in before the comparison that decides whether the spec changed.
            strategy.applyDefaults(desired);
            ConditionTimes.fill(type, desired);
            ObjectNode next = part == WritePart.EPHEMERAL_CONTAINERS ? withEphemeralContainers(stored, desired)
                    : merge(type, strategy, stored, desired, part);
            if (ServiceAllocations.handles(type) && !statusWrite) {
                ServiceAllocations.carryOver(stored, next);
            }
            // A status write keeps the stored metadata and spec (validated when they were written), and
            // is checked by the kind's status rules alone: checking the spec again would only refuse the
            // status of an object stored before a rule was added.
            List<ApiException.Cause> invalid = switch (part) {
                case EPHEMERAL_CONTAINERS -> PodEphemeralContainers.validateUpdate(stored, next);
                case STATUS -> withoutStoredProblems(strategy.validateStatusUpdate(stored, next),
                        () -> strategy.validateStatusUpdate(stored, stored));
                case MAIN, SCALE, FINALIZE -> withoutStoredProblems(strategy.validateUpdate(stored, next),
                        () -> strategy.validateUpdate(stored, stored));
            };
            if (!invalid.isEmpty()) {
                throw ApiException.invalid(type, name, invalid);
            }
            if (type.plural().equals("priorityclasses")) {
                priorities.admitClass(next);
            }
            if (next.equals(stored)) {
                return new Replaced(stored, false);
            }
            if (dryRun) {
                return new Replaced(allocating(type, next, true, () -> next), false);
            }
            try {
                if (isDeleting(next) && finalizers(type, next).isEmpty()
                        && next.path("metadata").path("deletionGracePeriodSeconds").asLong(0) == 0) {
                    store.delete(kv.key(), kv.modRevision());
                    return new Replaced(next, false);
                }
                return new Replaced(allocating(type, next, false,
                        () -> codec.written(next, store.update(kv.key(), codec.encode(next), kv.modRevision()))),
                        false);
            } catch (ConflictException e) {
                if (e.keyMissing()) {
                    if (creation != null && retry.pauseBeforeRetry()) {
                        continue; // deleted meanwhile: created on the next attempt
                    }
                    throw ApiException.notFound(type, name);
                }
                if (!wantedVersion.isEmpty() || !retry.pauseBeforeRetry()) {
                    throw ApiException.conflict(type, name);
                }
            } catch (ValueTooLargeException e) {
                throw ApiException.tooLarge("object is too large: " + e.getMessage());
            }
        }
    }

    /**
     * The create of a PUT that found no object; null when one was created meanwhile (the caller updates it then).
     * GuaranteedUpdate checks a PUT body's uid against the object it found, here none: a client writing back its
     * copy of an object deleted meanwhile gets a 409, not the object made again.
     */
    private Replaced createOnUpdate(ResourceType type, String namespace, String name, ObjectNode desired,
            boolean dryRun) {
        ObjectMetaRules.checkUid(type, name, JsonNodeFactory.instance.objectNode(), desired);
        checkName(desired, name);
        try {
            return new Replaced(create(type, namespace, desired, dryRun), true);
        } catch (ApiException e) {
            if (e.reason().equals("AlreadyExists")) {
                return null;
            }
            throw e;
        }
    }

    /**
     * An update's problems less those the stored object has itself: an object stored before a rule came (or under a
     * laxer one) stays writable, to be scaled, relabelled or freed of its finalizers, while no update may add a
     * problem. Kubernetes does this rule by rule (AllowInvalidLabelValueInSelector and its kin, validation ratcheting);
     * here it is one mechanism for every rule. The stored object is checked only when the update has a problem.
     */
    private static List<ApiException.Cause> withoutStoredProblems(List<ApiException.Cause> problems,
            java.util.function.Supplier<List<ApiException.Cause>> storedProblems) {
        if (problems.isEmpty()) {
            return problems;
        }
        List<ApiException.Cause> already = storedProblems.get();
        return problems.stream().filter(p -> !already.contains(p)).toList();
    }

    private ObjectNode merge(ResourceType type, ResourceStrategy strategy, ObjectNode stored, ObjectNode desired,
            WritePart part) {
        boolean statusWrite = part == WritePart.STATUS;
        ObjectNode next;
        if (statusWrite) {
            next = withManagedFieldsOf(desired, WritePart.STATUS.confine(stored, desired));
        } else {
            next = desired;
            next.put("apiVersion", type.apiVersion());
            next.put("kind", type.kind());
            if (type.hasSubresource(ResourceType.STATUS)) {
                JsonNode status = stored.get("status");
                if (status == null) {
                    next.remove("status");
                } else {
                    next.set("status", status);
                }
            }
        }
        ObjectMetaRules.keepImmutable(stored, next);
        if (part == WritePart.MAIN) {
            strategy.keepOnUpdate(stored, next);
        } else if (statusWrite) {
            strategy.prepareStatusUpdate(stored, next);
        }
        if (!statusWrite && strategy.tracksGeneration() && ObjectMetaRules.specChanged(stored, next,
                strategy.metadataInGeneration())) {
            next.withObject("metadata").put("generation", stored.path("metadata").path("generation").asLong(1) + 1);
        }
        next.withObject("metadata").put("resourceVersion", stored.path("metadata").path("resourceVersion").asText());
        return next;
    }

    /**
     * The stored pod with the desired one's ephemeral containers and nothing else of it, as
     * Kubernetes' dropNonEphemeralContainerUpdates makes it.
     */
    private static ObjectNode withEphemeralContainers(ObjectNode stored, ObjectNode desired) {
        ObjectNode next = withManagedFieldsOf(desired, WritePart.EPHEMERAL_CONTAINERS.confine(stored, desired));
        next.withObject("metadata").put("resourceVersion", stored.path("metadata").path("resourceVersion").asText());
        return next;
    }

    /**
     * {@code next} with {@code desired}'s managedFields: a subresource write keeps the stored metadata but the
     * managedFields its handler recorded (ManagedFields.recordUpdate) for the fields it changed.
     */
    private static ObjectNode withManagedFieldsOf(ObjectNode desired, ObjectNode next) {
        WritePart.copy(desired.path("metadata"), next.withObject("metadata"), "managedFields");
        return next;
    }

    private static boolean isDeleting(JsonNode object) {
        return object.path("metadata").hasNonNull("deletionTimestamp");
    }

    /**
     * Deletes an object, as kube-apiserver's generic store does (its namespace registry for namespaces):
     * a pod on a node is marked for graceful deletion, an object that finalizers hold (the garbage
     * collector's, which the propagation policy sets, among them) is marked for deletion, and anything
     * else is removed. A pod deleted with grace period 0 is marked first and then removed, so a watch sees
     * it go with its deletionTimestamp, as there.
     */
    public Deletion delete(ResourceType type, String namespace, String name, DeleteOptions options) {
        if (isNamespace(type) && UNDELETABLE_NAMESPACES.contains(name)) {
            throw new ApiException(403, "Forbidden", "namespaces \"" + name
                    + "\" is forbidden: this namespace may not be deleted", type, name, List.of());
        }
        while (true) {
            KeyValue kv = read(type, namespace, name);
            ObjectNode stored = codec.decode(kv);
            checkPreconditions(type, name, stored, options);
            try {
                if (isNamespace(type) && (!isDeleting(stored) || !stored.path("spec").path("finalizers").isEmpty())) {
                    return markNamespace(kv, stored, options);
                }
                Deletion done = deleteObject(type, kv, stored, options);
                if (done != null) {
                    return done;
                }
            } catch (ConflictException e) {
                if (e.keyMissing()) {
                    throw ApiException.notFound(type, name);
                }
                // Changed meanwhile: decide again on the newest version.
            } catch (ValueTooLargeException e) {
                throw ApiException.tooLarge("object is too large: " + e.getMessage());
            }
        }
    }

    /**
     * The namespace registry's Delete before the generic one: a first delete marks the namespace
     * Terminating (deletionTimestamp, no grace period) whatever its spec.finalizers, with the garbage
     * collector's finalizers the options ask for; a later one, while spec.finalizers remain, answers the
     * namespace unchanged. Only once they are released does a delete go on to the generic store.
     */
    private Deletion markNamespace(KeyValue kv, ObjectNode stored, DeleteOptions options) {
        if (isDeleting(stored)) {
            return new Deletion(stored, false);
        }
        ObjectNode next = stored.deepCopy();
        next.withObject("metadata").put("deletionTimestamp", MetaTime.now(clock));
        next.withObject("status").put("phase", "Terminating");
        DeletionMarks.applyNamespace(next.withObject("metadata"), options);
        if (options.dryRun()) {
            return new Deletion(next, false);
        }
        return new Deletion(codec.written(next, store.update(kv.key(), codec.encode(next), kv.modRevision())), false);
    }

    /**
     * The generic store's Delete (updateForGracefulDeletionAndFinalizers, then the delete itself) on
     * the version read; null when the object was changed meanwhile and the delete must decide again.
     */
    private Deletion deleteObject(ResourceType type, KeyValue kv, ObjectNode stored, DeleteOptions options) {
        ObjectNode next = stored.deepCopy();
        PodGrace.Decision grace = PodGrace.beforeDelete(type, next, options.gracePeriodSeconds(), clock.instant());
        if (grace.outcome() == PodGrace.Outcome.PENDING) {
            // A pending graceful deletion: neither its deadline nor its finalizers change.
            return new Deletion(stored, false);
        }
        ObjectNode metadata = next.withObject("metadata");
        DeletionMarks.applyGarbageCollection(metadata, options);
        boolean pendingFinalizers = !metadata.path("finalizers").isEmpty();
        if (!grace.graceful() && !pendingFinalizers) {
            if (!options.dryRun()) {
                store.delete(kv.key(), kv.modRevision());
            }
            return new Deletion(stored, true); // as it was last, whatever the options would have changed
        }
        if (!grace.graceful()) {
            DeletionMarks.markAsDeleting(metadata, clock.instant());
        }
        boolean removeNow = grace.graceful() && grace.seconds() == 0 && !pendingFinalizers;
        if (options.dryRun()) {
            return new Deletion(next, removeNow);
        }
        ObjectNode marked = next.equals(stored) ? stored
                : codec.written(next, store.update(kv.key(), codec.encode(next), kv.modRevision()));
        if (!removeNow) {
            return new Deletion(marked, false);
        }
        long revision = Long.parseLong(marked.path("metadata").path("resourceVersion").asText());
        try {
            store.delete(kv.key(), revision);
        } catch (ConflictException e) {
            if (!e.keyMissing()) {
                return null; // changed after the mark: the next attempt finds it marked with grace 0
            }
            // Deleted by someone else meanwhile (the node agent): gone all the same.
        }
        return new Deletion(marked, true);
    }

    /**
     * A delete's preconditions, worded as rest.BeforeDelete words them; the namespace registry,
     * which deletes on its own path, words them as storage preconditions.
     */
    private static void checkPreconditions(ResourceType type, String name, ObjectNode stored, DeleteOptions options) {
        String uid = stored.path("metadata").path("uid").asText();
        boolean namespace = isNamespace(type);
        if (options.uid() != null && !options.uid().equals(uid)) {
            throw namespace ? ApiException.conflict(type, name, "Precondition failed: UID in precondition: "
                    + options.uid() + ", UID in object meta: " + uid)
                    : ApiException.conflictOnKind(type, name, "the UID in the precondition (" + options.uid()
                    + ") does not match the UID in record (" + uid + "). The object might have been deleted and then "
                    + "recreated");
        }
        String rv = stored.path("metadata").path("resourceVersion").asText();
        if (options.resourceVersion() != null && !options.resourceVersion().equals(rv)) {
            throw namespace ? ApiException.conflict(type, name, "Precondition failed: ResourceVersion in precondition: "
                    + options.resourceVersion() + ", ResourceVersion in object meta: " + rv)
                    : ApiException.conflictOnKind(type, name, "the ResourceVersion in the precondition ("
                    + options.resourceVersion() + ") does not match the ResourceVersion in record (" + rv
                    + "). The object might have been modified");
        }
    }

    /**
     * A watch, with the existing objects first as ADDED events when {@code sendInitialEvents} is
     * true, or when it is null (not asked) and the resourceVersion is "" or "0", as before
     * WatchList. Asked for, the initial events end with {@link ObjectWatch.Event#INITIAL_EVENTS_END};
     * with sendInitialEvents false a watch from "" or "0" starts at the current revision.
     */
    public ObjectWatch watch(ResourceType type, String namespace, ListOptions options, Boolean sendInitialEvents) {
        String prefix = type.storagePrefix(namespace);
        String rv = options.resourceVersion() == null ? "" : options.resourceVersion();
        boolean fromNothing = rv.isEmpty() || rv.equals("0");
        if (sendInitialEvents == null ? fromNothing : sendInitialEvents) {
            ListCursor existing = list(type, namespace, new ListOptions(options.labels(), options.fields(), 0, null, ""));
            return StoreObjectWatch.start(store, codec, prefix, existing.revision(), options, existing,
                    sendInitialEvents != null);
        }
        long after = fromNothing ? store.currentRevision() : options.revision();
        return StoreObjectWatch.start(store, codec, prefix, after, options, null, false);
    }

    /**
     * The update handler's checkName: {@code object} names the object of the URL, {@code name}.
     *
     * @throws ApiException 400 for an object with no name or another one
     */
    public static void checkName(JsonNode object, String name) {
        String objectName = object.path("metadata").path("name").asText("");
        if (objectName.isEmpty()) {
            throw undeterminableName(name);
        }
        if (!objectName.equals(name)) {
            throw ApiException.badRequest("the name of the object (" + objectName
                    + ") does not match the name on the URL (" + name + ")");
        }
    }

    /** kube-apiserver's checkName for an object without a name: a 400, as errEmptyName words it. */
    public static ApiException undeterminableName(String name) {
        return ApiException.badRequest("the name of the object (" + name
                + " based on URL) was undeterminable: name must be provided");
    }
}
