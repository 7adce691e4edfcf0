package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import java.util.ArrayList;
import java.util.List;

/**
 * Kubernetes' checks of a pod volume's source (pkg/apis/core/validation: validateVolumeSource and the checks of
 * the sources drover knows): one source per volume, a configMap's and a secret's name, modes and items, a
 * hostPath's path and type, a claim's name, an emptyDir's size limit, a projected token's lifetime.
 */
final class VolumeSourceValidation {
    /** The sources in the order Kubernetes looks at them: the second one found is the one reported. */
    private static final List<String> SOURCES = List.of("emptyDir", "hostPath", "gitRepo", "gcePersistentDisk",
            "awsElasticBlockStore", "secret", "nfs", "iscsi", "glusterfs", "flexVolume", "persistentVolumeClaim", "rbd",
            "cinder", "cephfs", "quobyte", "downwardAPI", "fc", "flocker", "azureFile", "vsphereVolume",
            "photonPersistentDisk", "portworxVolume", "azureDisk", "configMap", "scaleIO", "projected", "storageos",
            "csi", "ephemeral", "image");
    private static final String FILE_MODE = "must be a number between 0 and 0777 (octal), both inclusive";
    private static final List<String> HOST_PATH_TYPES = List.of("", "BlockDevice", "CharDevice", "Directory",
            "DirectoryOrCreate", "File", "FileOrCreate", "Socket");

    private VolumeSourceValidation() {}

    /** The problems of the source of the volume at {@code at} ("spec.volumes[0]"). */
    static List<Cause> validate(ObjectNode volume, String at) {
        List<Cause> causes = new ArrayList<>();
        boolean found = false;
        for (String source : SOURCES) {
            ObjectNode value = Nodes.object(volume, source);
            if (value == null) {
                continue;
            }
            if (found) {
                causes.add(Causes.forbidden(at + "." + source, "may not specify more than 1 volume type"));
                continue;
            }
            found = true;
            causes.addAll(source(source, value, at + "." + source));
        }
        return causes;
    }

    private static List<Cause> source(String source, ObjectNode value, String at) {
        List<Cause> causes = new ArrayList<>();
        switch (source) {
            case "emptyDir" -> {
                JsonNode limit = value.get("sizeLimit");
                if (limit != null && limit.isTextual() && negative(limit.asText())) {
                    causes.add(Causes.forbidden(at + ".sizeLimit", "SizeLimit field must be a valid resource quantity"));
                }
            }
            case "hostPath" -> {
                String path = Nodes.text(value, "path");
                if (path.isEmpty()) {
                    causes.add(Causes.required(at + ".path"));
                    return causes;
                }
                causes.addAll(noBacksteps(path, at + ".path"));
                JsonNode type = value.get("type");
                if (type != null && type.isTextual() && !HOST_PATH_TYPES.contains(type.asText())) {
                    causes.add(Causes.notSupported(at + ".type", GoValues.quote(type.asText()), HOST_PATH_TYPES));
                }
            }
            case "secret", "configMap" -> {
                String nameField = source.equals("secret") ? "secretName" : "name";
                if (Nodes.text(value, nameField).isEmpty()) {
                    causes.add(Causes.required(at + "." + nameField));
                }
                causes.addAll(mode(value, "defaultMode", at));
                List<ObjectNode> items = Nodes.objects(value, "items");
                for (int i = 0; i < items.size(); i++) {
                    causes.addAll(keyToPath(items.get(i), at + ".items[" + i + "]"));
                }
            }
            case "persistentVolumeClaim" -> {
                if (Nodes.text(value, "claimName").isEmpty()) {
                    causes.add(Causes.required(at + ".claimName"));
                }
            }
            case "projected" -> causes.addAll(projected(value, at));
            default -> { } // sources drover cannot mount: the node reports them
        }
        return causes;
    }

    /**
     * validateProjectedVolumeSource, of the sources drover checks: a service account token's lifetime and its path,
     * local and not reserved. As kube's, a token's path errors name the projection's path, not the source's.
     */
    private static List<Cause> projected(ObjectNode projected, String at) {
        List<Cause> causes = new ArrayList<>(mode(projected, "defaultMode", at));
        List<ObjectNode> sources = Nodes.objects(projected, "sources");
        for (int i = 0; i < sources.size(); i++) {
            ObjectNode token = Nodes.object(sources.get(i), "serviceAccountToken");
            if (token == null) {
                continue;
            }
            JsonNode seconds = token.get("expirationSeconds");
            String field = at + ".sources[" + i + "].serviceAccountToken.expirationSeconds";
            if (seconds != null && seconds.isNumber() && seconds.asLong() < 600) {
                causes.add(Causes.invalid(field, seconds.asText(), "may not specify a duration less than 10 minutes"));
            } else if (seconds != null && seconds.isNumber() && seconds.asLong() > (1L << 32)) {
                causes.add(Causes.invalid(field, seconds.asText(), "may not specify a duration larger than 2^32 seconds"));
            }
            String path = Nodes.text(token, "path");
            if (path.isEmpty()) {
                causes.add(Causes.required(at + ".path"));
            } else {
                causes.addAll(localNonReservedPath(path, at + ".path"));
            }
        }
        return causes;
    }

    /** validateKeyToPath: a key, a relative path without '..', a mode. */
    private static List<Cause> keyToPath(ObjectNode item, String at) {
        List<Cause> causes = new ArrayList<>();
        if (Nodes.text(item, "key").isEmpty()) {
            causes.add(Causes.required(at + ".key"));
        }
        String path = Nodes.text(item, "path");
        if (path.isEmpty()) {
            causes.add(Causes.required(at + ".path"));
        }
        causes.addAll(localNonReservedPath(path, at + ".path"));
        causes.addAll(mode(item, "mode", at));
        return causes;
    }

    /** ValidateLocalNonReservedPath. */
    private static List<Cause> localNonReservedPath(String path, String at) {
        List<Cause> causes = new ArrayList<>();
        if (path.startsWith("/")) {
            causes.add(Causes.invalid(at, GoValues.quote(path), "must be a relative path"));
        }
        causes.addAll(noBacksteps(path, at));
        if (path.startsWith("..") && !path.startsWith("../")) {
            causes.add(Causes.invalid(at, GoValues.quote(path), "must not start with '..'"));
        }
        return causes;
    }

    /** validatePathNoBacksteps. */
    private static List<Cause> noBacksteps(String path, String at) {
        for (String part : path.split("/")) {
            if (part.equals("..")) {
                return List.of(Causes.invalid(at, GoValues.quote(path), "must not contain '..'"));
            }
        }
        return List.of();
    }

    private static List<Cause> mode(ObjectNode owner, String field, String at) {
        JsonNode mode = owner.get(field);
        if (mode != null && mode.isIntegralNumber() && (mode.asLong() < 0 || mode.asLong() > 0777)) {
            return List.of(Causes.invalid(at + "." + field, mode.asText(), FILE_MODE));
        }
        return List.of();
    }

    private static boolean negative(String quantity) {
        java.math.BigDecimal amount = ResourceNames.amount(quantity);
        return amount != null && amount.signum() < 0;
    }
}
