package io.drover.api.strategy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import java.util.List;

/**
 * What one kind adds to the generic object rules: Kubernetes' field defaults and validation. The
 * storage layer calls it on every create and update, after the generic metadata rules and before
 * the write.
 */
public interface ResourceStrategy {

    /** Fills in Kubernetes' defaults for unset fields, in place. Called on create and update. */
    void applyDefaults(ObjectNode object);

    /**
     * The part of {@link #applyDefaults} kube-apiserver's decoding does (the v1 defaulters and conversions), which
     * the field manager sees and attributes to the writer: not what admission adds after it (a pod's default
     * tolerations) nor the zero values Go writes only on output.
     */
    default void applyDecodeDefaults(ObjectNode object) {
        applyDefaults(object);
    }

    /**
     * Fills in what only a new object gets (a namespace's "kubernetes" finalizer, which must not
     * come back once the namespace controller released it). Called on create, after
     * {@link #applyDefaults}.
     */
    default void applyCreateDefaults(ObjectNode object) {}

    /**
     * Resets what a write of the object itself may not change, in place, from the stored object (Kubernetes'
     * PrepareForUpdate: a namespace's spec.finalizers change only through its finalize subresource). Called on
     * every update of the object itself, not on subresource writes.
     */
    default void keepOnUpdate(ObjectNode stored, ObjectNode next) {}

    /**
     * Completes a status write's object from the stored one before it is checked (Kubernetes' status strategy's
     * PrepareForUpdate and the v1 conversion: a pod's emptied qosClass is the stored one, its IP lists follow
     * the single fields). Called on every status write.
     */
    default void prepareStatusUpdate(ObjectNode stored, ObjectNode next) {}

    /** Why a new object is invalid; empty when it is valid. Field paths as Kubernetes names them. */
    List<ApiException.Cause> validateCreate(ObjectNode object);

    /**
     * Why an update is invalid (the checks of a create, plus immutable fields); empty when valid.
     */
    List<ApiException.Cause> validateUpdate(ObjectNode oldObject, ObjectNode newObject);

    /**
     * Why a write through the status subresource is invalid; empty when valid, and for most kinds, whose status
     * Kubernetes does not check (their spec was checked when it was written).
     */
    default List<ApiException.Cause> validateStatusUpdate(ObjectNode oldObject, ObjectNode newObject) {
        return List.of();
    }

    /**
     * Whether the kind's objects have a metadata.generation: 1 on create, one more at each change
     * outside metadata and status. Kubernetes' strategies set it for the kinds whose controllers
     * report an observedGeneration (Deployments, ReplicaSets, PodDisruptionBudgets, EndpointSlices,
     * ...); the others (ConfigMaps, Services, Nodes, ...) have none.
     */
    default boolean tracksGeneration() {
        return false;
    }

    /**
     * The metadata fields whose change moves the generation too, for a kind that {@link #tracksGeneration tracks
     * one}: an EndpointSlice's labels (they say which Service it serves). None by default.
     */
    default List<String> metadataInGeneration() {
        return List.of();
    }

    /**
     * Whether a PUT of a missing object creates it (the strategy's AllowCreateOnUpdate): true for the kinds clients
     * upsert by PUT (Leases, Endpoints, Events, RBAC objects, ...), false for most.
     */
    default boolean allowsCreateOnUpdate() {
        return false;
    }

    /**
     * Whether an update without a resourceVersion is written over the newest version (AllowUnconditionalUpdate);
     * false for the kinds whose writers must say which version they read (Leases, RuntimeClasses).
     */
    default boolean allowsUnconditionalUpdate() {
        return true;
    }

    /** A kind with no defaults and no rules of its own. */
    ResourceStrategy NONE = new ResourceStrategy() {
        @Override
        public void applyDefaults(ObjectNode object) {}

        @Override
        public List<ApiException.Cause> validateCreate(ObjectNode object) {
            return List.of();
        }

        @Override
        public List<ApiException.Cause> validateUpdate(ObjectNode oldObject, ObjectNode newObject) {
            return List.of();
        }
    };
}
