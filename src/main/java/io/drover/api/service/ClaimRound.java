package io.drover.api.service;

import io.drover.api.ApiException;
import io.drover.api.resource.ResourceType;
import io.drover.api.service.ServiceClaims.Claim;
import io.drover.api.service.ServiceClaims.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The store claims of one Service write: the values it takes that its stored version does not hold
 * already (those are recorded by the stored Service itself), confirmed after the write or given back
 * when it failed.
 */
final class ClaimRound {
    private final ServiceClaims claims;
    private final ResourceType services;
    private final String namespace;
    private final String name;
    private final HeldValues own;
    private final List<Claim> made = new ArrayList<>();

    /**
     * @param claims the store's claims; null for a dry run, which records nothing and so is checked
     *     against the stored Services only
     * @param own what the stored version of this Service holds (empty sets for a create)
     */
    ClaimRound(ServiceClaims claims, ResourceType services, String namespace, String name, HeldValues own) {
        this.claims = claims;
        this.services = services;
        this.namespace = namespace;
        this.name = name;
        this.own = own;
    }

    /** Whether this Service may have {@code value}; false when another Service has it. */
    boolean take(Kind kind, String value) {
        boolean held = kind == Kind.CLUSTER_IP ? own.ips().contains(value)
                : own.ports().contains(Integer.parseInt(value));
        if (held || claims == null) {
            return true;
        }
        Optional<Claim> claim = claims.take(kind, value, services, namespace, name);
        claim.ifPresent(made::add);
        return claim.isPresent();
    }

    /**
     * Refuses to write when a claim is too old for others to still see it as in flight (a very slow
     * allocation), so that no Service is stored with a value another server may have taken over.
     */
    void requireFresh() {
        for (Claim claim : made) {
            if (!claims.fresh(claim)) {
                release();
                throw ApiException.internal("allocating the addresses of Service " + namespace + "/" + name
                        + " took longer than " + ServiceClaims.GRACE.dividedBy(2).toSeconds() + " s; try again");
            }
        }
    }

    // Loops, not made.forEach(claims::confirm): a method reference dereferences claims at once, and a
    // dry run has none (nor any claim made).

    void confirm() {
        for (Claim claim : made) {
            claims.confirm(claim);
        }
    }

    void release() {
        for (Claim claim : made) {
            claims.release(claim);
        }
        made.clear();
    }
}
