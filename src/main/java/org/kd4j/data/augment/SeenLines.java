package org.kd4j.data.augment;

/**
 * The lines already written, remembered in a fixed amount of memory: a direct-mapped table of 64-bit fingerprints.
 * A line's fingerprint picks its slot. A line is "seen" when its slot holds its fingerprint. Adding a line overwrites
 * whatever its slot held.
 *
 * <p>The table never grows, so memory stays the same however many lines are written ({@code 8 x slots} bytes). The
 * price is that a line whose slot was since taken by another line is forgotten, and a later copy of it is written
 * again. With {@link #DEFAULT_SLOTS} slots and SST-2's million lines, about one slot in eight is overwritten by
 * the end, so most duplicates are still caught. Two different lines share a fingerprint with probability about
 * {@code 2^-64} per pair, so a dropped line is (almost surely) a true duplicate. Deterministic: the same lines in the
 * same order give the same answers.
 */
final class SeenLines {

    /** 4M slots, 32 MiB. */
    static final int DEFAULT_SLOTS = 1 << 22;

    private final long[] slots;
    private final int mask;

    SeenLines(int slots) {
        if (slots < 1 || Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two, got " + slots);
        }
        this.slots = new long[slots];
        this.mask = slots - 1;
    }

    /** Records {@code line}; false when it was already recorded (and not since overwritten). */
    boolean add(String line) {
        long f = fingerprint(line);
        int slot = (int) (f >>> 40) & mask;
        if (slots[slot] == f) {
            return false;
        }
        slots[slot] = f;
        return true;
    }

    /** FNV-1a over the UTF-16 code units, then SplitMix64's finaliser; never 0 (0 marks an empty slot). */
    static long fingerprint(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        h ^= h >>> 31;
        return h == 0 ? 1 : h;
    }
}
