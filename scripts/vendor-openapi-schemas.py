#!/usr/bin/env python3
"""Writes the OpenAPI v3 component schemas drover serves (for `kubectl explain` and kubectl's
strategic merge patches) from Kubernetes' own OpenAPI v2 document of the same minor version.

Usage: scripts/vendor-openapi-schemas.py SWAGGER_JSON > src/main/resources/io/drover/api/discovery/kubernetes-schemas.json

SWAGGER_JSON is kube-apiserver's /openapi/v2 of Kubernetes 1.32 (Apache-2.0), e.g. the copy the
fabric8 kubernetes-client keeps: kubernetes-model-generator/openapi/schemas/kubernetes-1.32.4.json at
its commit b340789a62. Only the served kinds and what they reference are kept. The conversion is
kube-openapi's v2-to-v3 one as it shows in kube-apiserver's /openapi/v3 documents: references move
from #/definitions/ to #/components/schemas/, and a reference with sibling keys (a description) is
wrapped in allOf, since OpenAPI 3.0 ignores a $ref's siblings.
"""
import json
import sys

# (group, version, kind) of every kind drover serves: ResourceRegistry.builtin().
SERVED = [
    ("", "v1", k) for k in ("Namespace", "Pod", "Service", "Endpoints", "ConfigMap", "Secret", "Event", "Node",
                           "ResourceQuota", "LimitRange", "ServiceAccount", "Binding")
] + [
    ("apps", "v1", "Deployment"), ("apps", "v1", "ReplicaSet"),
    ("autoscaling", "v2", "HorizontalPodAutoscaler"), ("autoscaling", "v1", "HorizontalPodAutoscaler"),
    ("coordination.k8s.io", "v1", "Lease"),
    ("discovery.k8s.io", "v1", "EndpointSlice"),
    ("node.k8s.io", "v1", "RuntimeClass"),
    ("scheduling.k8s.io", "v1", "PriorityClass"),
    ("policy", "v1", "PodDisruptionBudget"),
    ("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding"), ("rbac.authorization.k8s.io", "v1", "ClusterRole"),
    ("rbac.authorization.k8s.io", "v1", "RoleBinding"), ("rbac.authorization.k8s.io", "v1", "Role"),
    ("events.k8s.io", "v1", "Event"),
    ("authorization.k8s.io", "v1", "SelfSubjectAccessReview"),
    ("authorization.k8s.io", "v1", "SelfSubjectRulesReview"),
    ("authorization.k8s.io", "v1", "SubjectAccessReview"),
    ("authorization.k8s.io", "v1", "LocalSubjectAccessReview"),
    ("authentication.k8s.io", "v1", "SelfSubjectReview"),
    ("authentication.k8s.io", "v1", "TokenReview"),
]


def kinds_of(definition):
    return {(g["group"], g["version"], g["kind"]) for g in definition.get("x-kubernetes-group-version-kind", [])}


def references(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value.rsplit("/", 1)[-1]
            else:
                yield from references(value)
    elif isinstance(node, list):
        for value in node:
            yield from references(value)


def to_v3(node):
    if isinstance(node, dict):
        converted = {key: to_v3(value) for key, value in node.items()}
        if "$ref" in converted:
            converted["$ref"] = converted["$ref"].replace("#/definitions/", "#/components/schemas/")
            if len(converted) > 1:
                ref = converted.pop("$ref")
                converted["allOf"] = [{"$ref": ref}]
        return converted
    if isinstance(node, list):
        return [to_v3(value) for value in node]
    return node


def main():
    definitions = json.load(open(sys.argv[1]))["definitions"]
    wanted = set(SERVED)
    roots = [name for name, d in definitions.items() if kinds_of(d) & wanted]
    missing = wanted - set().union(*(kinds_of(definitions[name]) for name in roots))
    if missing:
        sys.exit(f"not in the document: {sorted(missing)}")
    keep, todo = set(), list(roots)
    while todo:
        name = todo.pop()
        if name not in keep:
            keep.add(name)
            todo.extend(references(definitions[name]))
    schemas = {name: to_v3(definitions[name]) for name in sorted(keep)}
    json.dump(schemas, sys.stdout, separators=(",", ":"), sort_keys=True)


if __name__ == "__main__":
    main()
