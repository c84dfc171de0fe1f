package org.kd4j.util;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.Locale;
import java.util.Optional;

/**
 * The C library's calls kd4j makes itself, through JNA: glibc's allocator controls ({@link NativeGarbage}) and anonymous
 * mappings ({@code bench memory}). JNA binds each function at its first call, so a C library without one of them
 * (musl has no {@code malloc_trim}) fails only when that function is called.
 */
public interface Libc extends Library {

    int PROT_READ = 0x1;
    int PROT_WRITE = 0x2;
    int MAP_PRIVATE = 0x02;
    int MAP_ANONYMOUS = 0x20;
    int MADV_HUGEPAGE = 14;
    /** glibc's {@code M_MMAP_THRESHOLD} parameter of {@code mallopt}. */
    int M_MMAP_THRESHOLD = -3;

    int malloc_trim(long pad);

    int mallopt(int param, int value);

    Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset);

    int munmap(Pointer addr, long length);

    int madvise(Pointer addr, long length, int advice);

    /** The C library on Linux; empty elsewhere or where it cannot be loaded. Holds no state: load it where needed. */
    static Optional<Libc> linux() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return Optional.empty();
        }
        try {
            return Optional.of(Native.load("c", Libc.class));
        } catch (UnsatisfiedLinkError e) {
            return Optional.empty();
        }
    }
}
