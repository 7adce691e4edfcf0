package io.drover.api.security;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;

/**
 * Writes credential files so that a reader never sees a half-written file and a secret is never
 * readable by others, not even for a moment: the content goes to a temporary file in the same
 * directory that is created with its final mode, is flushed to disk, then renamed over the target.
 */
final class SecureFiles {
    private SecureFiles() {}

    /** Mode of keys, tokens and kubeconfigs. */
    static final String SECRET = "rw-------";
    /** Mode of certificates, which are public. */
    static final String PUBLIC = "rw-r--r--";
    /** Mode of the directory that holds keys: only the owner may list or enter it. */
    static final String PRIVATE_DIRECTORY = "rwx------";

    /** Creates {@code dir} and its parents; a directory created here gets {@code mode}, an existing one is left as it is. */
    static void createDirectory(Path dir, String mode) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, permissions(mode));
        }
    }

    static void write(Path file, byte[] content, String mode) throws IOException {
        Objects.requireNonNull(content, "content");
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp", permissions(mode));
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                // On disk before the rename, so a crash cannot leave an empty file under the real name.
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static FileAttribute<?>[] permissions(String mode) {
        // On file systems without POSIX modes (Windows) the file inherits the directory's ACL.
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[0];
        }
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode))};
    }
}
